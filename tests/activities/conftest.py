import datetime

import pytest
from django.utils import timezone

from tests.factories import make_user
from xieshang.accounts.models import Role
from xieshang.activities import services
from xieshang.activities.models import Activity, ActivityKind


@pytest.fixture
def staff(organization):
    return make_user(Role.COMMITTEE_STAFF, organization, username="committee", name="赵工作")


@pytest.fixture
def member_b(organization):
    return make_user(Role.MEMBER, organization, username="memberb", name="钱委员")


@pytest.fixture
def kind():
    return ActivityKind.objects.get(organization=None, key="research")


def make_activity(staff, organization, kind, *, starts_in=datetime.timedelta(days=3), hours=3, **kwargs):
    starts = timezone.now() + starts_in
    fields = {
        "title": "城市内涝治理专题调研",
        "organizer_kind": Activity.Organizer.COMMITTEE,
        "organizer_name": "城建委",
        "place": "金水区",
        "starts_at": starts,
        "ends_at": starts + datetime.timedelta(hours=hours),
    }
    fields.update(kwargs)
    return services.activity_create(actor=staff, organization=organization, kind=kind, **fields)


def shift(activity, starts_in: datetime.timedelta):
    """Move the activity's start (tests cannot wait for the clock)."""
    starts = timezone.now() + starts_in
    Activity.objects.filter(pk=activity.pk).update(starts_at=starts, ends_at=starts + datetime.timedelta(hours=3))
    activity.refresh_from_db()
    return activity


@pytest.fixture
def published(staff, organization, kind, member, member_b):
    activity = make_activity(staff, organization, kind)
    services.activity_invite(actor=staff, activity=activity, members=[member, member_b])
    return services.activity_publish(actor=staff, activity=activity)
