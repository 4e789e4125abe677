"""credit_many: duty_credit for many acts in a constant number of queries, with the same idempotence and caps."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import OrganizationFactory, make_user
from xieshang.accounts.models import Role
from xieshang.duties.models import DutyEntry, DutyRule
from xieshang.duties.services import Credit, credit_many, duty_credit

pytestmark = pytest.mark.django_db


def _acts(org, people, sources, rule_key="volunteer"):
    return [Credit(p, rule_key, s, date(2026, 5, 1), f"志愿服务{s.pk}") for p in people for s in sources]


def test_idempotent_capped_and_dated_like_duty_credit():
    org = OrganizationFactory(code="zz")
    person = make_user(Role.MEMBER, org, name="张委员")
    sources = [OrganizationFactory(code=f"s{i}", name=f"来源{i}") for i in range(7)]
    duty_credit(member=person, organization=org, rule_key="volunteer", source=sources[0], occurred_on=date(2026, 4, 1))
    written = credit_many(organization=org, credits=_acts(org, [person], sources))
    assert len(written) == 6  # the first source was credited already
    entries = list(DutyEntry.objects.filter(member=person).order_by("id"))
    # The volunteering rule earns 2 points, capped at 10 a year: 2 × 5, then 0 (still recorded).
    assert [e.points for e in entries] == [Decimal(2)] * 5 + [Decimal(0)] * 2
    assert entries[1].term == "第十五届" and entries[1].occurred_on == date(2026, 5, 1)
    assert credit_many(organization=org, credits=_acts(org, [person], sources)) == []
    assert DutyEntry.objects.count() == 7


def test_queries_do_not_grow_with_the_acts():
    org = OrganizationFactory(code="zz")
    people = [make_user(Role.MEMBER, org, username=f"m{i}") for i in range(30)]
    few, many = OrganizationFactory(code="a", name="甲"), OrganizationFactory(code="b", name="乙")
    ContentType.objects.get_for_model(few)  # the content-type cache warm, as in any process after its first credit
    with CaptureQueriesContext(connection) as small:
        credit_many(organization=org, credits=_acts(org, people[:3], [few], "attendance_meeting"))
    with CaptureQueriesContext(connection) as large:
        credit_many(organization=org, credits=_acts(org, people, [many], "attendance_meeting"))
    assert len(large) == len(small)
    assert DutyEntry.objects.count() == 33


def test_inactive_rule_earns_nothing_and_unknown_rule_is_refused():
    org = OrganizationFactory(code="zz")
    person = make_user(Role.MEMBER, org)
    DutyRule.objects.create(organization=org, key="speech", kind="speech", label="发言", points=3, is_active=False)
    assert credit_many(organization=org, credits=_acts(org, [person], [org], "speech")) == []
    with pytest.raises(ValidationError):
        credit_many(organization=org, credits=_acts(org, [person], [org], "no_such_rule"))
