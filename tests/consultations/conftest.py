import datetime

import pytest

from tests.factories import CommunityFactory, HandlingUnitFactory, OrganizationFactory, make_user
from xieshang.accounts.models import Partnership, Role
from xieshang.consultations import services


@pytest.fixture
def staff(organization):
    return make_user(Role.COMMITTEE_STAFF, organization, username="committee")


@pytest.fixture
def leader(organization):
    return make_user(Role.LEADER, organization, username="leader")


@pytest.fixture
def unit(organization):
    return HandlingUnitFactory(organization=organization, name="市住房局")


@pytest.fixture
def officer(organization, unit):
    from xieshang.accounts.models import RoleGrant

    user = make_user(None, username="unitofficer")
    RoleGrant.objects.create(user=user, organization=organization, role=Role.UNIT_OFFICER, handling_unit=unit)
    return user


@pytest.fixture
def resident(organization):
    return make_user(Role.CITIZEN, organization, username="resident")


@pytest.fixture
def neighbour(organization):
    return make_user(Role.CITIZEN, organization, username="neighbour")


@pytest.fixture
def convener(organization):
    return make_user(Role.CITIZEN, organization, username="convener", name="王召集")


@pytest.fixture
def room(organization, staff, convener):
    community = CommunityFactory(organization=organization, name="黄河路社区")
    return services.room_create(actor=staff, community=community, convener=convener)


def starting_in(consultation, minutes: int):
    """The consultation's meeting moved to start `minutes` from now (negative: it began that long ago), the planned
    date following it; check-in and live posts are accepted only in the window around the meeting."""
    from django.utils import timezone

    from xieshang.consultations.models import Consultation

    starts_at = timezone.now() + datetime.timedelta(minutes=minutes)
    Consultation.objects.filter(pk=consultation.pk).update(
        starts_at=starts_at, planned_date=timezone.localdate(starts_at)
    )
    consultation.starts_at, consultation.planned_date = starts_at, timezone.localdate(starts_at)
    return consultation


@pytest.fixture
def future():
    return datetime.date.today() + datetime.timedelta(days=60)


@pytest.fixture
def consultation(organization, staff, future):
    return services.consultation_create(
        actor=staff,
        organization=organization,
        kind="bimonthly",
        title="加快老旧小区改造",
        planned_date=future,
        venue="市政协",
    )


@pytest.fixture
def partners(organization):
    cities = [
        OrganizationFactory(name=f"{c}市政协", short_name=c, code=code)
        for c, code in [("开封", "kf"), ("新乡", "xx"), ("焦作", "jz"), ("许昌", "xc")]
    ]
    pact = Partnership.objects.create(title="郑开新焦许")
    pact.organizations.set([organization, *cities])
    return cities


PAYLOADS = {
    "instruct": {"instruction": "抓紧落实"},
    "propose": {"meeting": "十五届市政协第12次主席会议"},
    "approve": {"body": "中共郑州市委", "document": "郑办文〔2026〕3号", "approved_on": "2026-01-20"},
}


def advance(actor_by_key, obj, *keys):
    """Take transitions in order; actor_by_key maps transition key -> actor (the staff record the party committee's
    approval: "approve" is taken by committee staff with the document's payload)."""
    for key in keys:
        obj = type(obj).objects.get(pk=obj.pk)
        services.workflow.transition(
            actor=actor_by_key[key],
            obj=obj,
            transition_key=key,
            reason="理由" if key in ("reject", "drop", "decline") else "",
            payload=PAYLOADS.get(key),
        )
    return type(obj).objects.get(pk=obj.pk)
