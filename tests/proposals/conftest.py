import itertools
from types import SimpleNamespace

import pytest

from tests.factories import HandlingUnitFactory, SectorFactory, make_user
from xieshang.accounts.models import Role, RoleGrant

_seq = itertools.count(1)


@pytest.fixture(autouse=True)
def _fresh_calendar():
    # Rolled-back test transactions remove calendar rows without signals: start every test from the table.
    from xieshang.workflow import calendar

    calendar.invalidate()
    yield
    calendar.invalidate()


def officer(organization, unit, **kwargs):
    n = next(_seq)
    user = make_user(None, None, username=f"officer{n}", phone=f"1370000{n:04d}", **kwargs)
    RoleGrant.objects.create(user=user, organization=organization, role=Role.UNIT_OFFICER, handling_unit=unit)
    return user


@pytest.fixture
def world(organization):
    """An organization with members, staff, a supervisor, a leader and three units with one officer each."""
    sector = SectorFactory(organization=organization, name="教育界")
    units = [
        HandlingUnitFactory(organization=organization, name=n, short_name=n)
        for n in ("市住房局", "市城管局", "市教育局")
    ]
    people = SimpleNamespace(
        org=organization,
        sector=sector,
        units=units,
        lead=make_user(Role.MEMBER, organization, username="lead", name="领衔委员"),
        co1=make_user(Role.MEMBER, organization, username="co1", name="联名委员甲"),
        co2=make_user(Role.MEMBER, organization, username="co2", name="联名委员乙"),
        outsider=make_user(Role.MEMBER, organization, username="outsider", name="其他委员"),
        staff=make_user(Role.PROPOSALS_STAFF, organization, username="staff", name="提案工作人员"),
        staff2=make_user(Role.PROPOSALS_STAFF, organization, username="staff2", name="提案工作人员二"),
        supervisor=make_user(Role.SUPERVISOR, organization, username="supervisor", name="督办人员"),
        leader=make_user(Role.LEADER, organization, username="leader", name="分管领导"),
    )
    people.officers = [officer(organization, u, name=f"{u.name}经办人") for u in units]
    return people
