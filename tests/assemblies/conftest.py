import datetime

import pytest
from django.utils import timezone

from tests.factories import make_user
from xieshang.accounts.models import Role
from xieshang.assemblies import services
from xieshang.assemblies.models import Session


@pytest.fixture
def staff(organization):
    return make_user(Role.COMMITTEE_STAFF, organization, username="committee", name="赵工作")


@pytest.fixture
def member_b(organization):
    return make_user(Role.MEMBER, organization, username="memberb", name="钱委员")


@pytest.fixture
def standing(organization):
    return make_user(Role.STANDING_MEMBER, organization, username="standing", name="孙常委")


def make_session(staff, organization, *, starts_in=datetime.timedelta(days=3), kind=Session.Kind.PLENARY, **kwargs):
    starts = timezone.now() + starts_in
    fields = {
        "kind": kind,
        "term": 14,
        "number": 5,
        "title": "政协第十四届委员会第五次会议",
        "place": "市会议中心",
        "starts_at": starts,
        "ends_at": starts + datetime.timedelta(days=3),
    }
    fields.update(kwargs)
    return services.session_create(actor=staff, organization=organization, **fields)


def shift(session, starts_in: datetime.timedelta):
    """Move the session's opening (tests cannot wait for the clock)."""
    starts = timezone.now() + starts_in
    Session.objects.filter(pk=session.pk).update(starts_at=starts, ends_at=starts + datetime.timedelta(days=3))
    session.refresh_from_db()
    return session


@pytest.fixture
def published(staff, organization, member, member_b, standing):
    session = make_session(staff, organization)
    return services.session_publish(actor=staff, session=session)
