"""duty_history_load: acts of the past written in bulk with their rule's full points, no audit rows."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tests.factories import OrganizationFactory, make_user
from xieshang.accounts.models import Role
from xieshang.audit.models import AuditEntry
from xieshang.duties.models import DutyEntry, DutyRule
from xieshang.duties.services import PastAct, duty_history_load

pytestmark = pytest.mark.django_db


def test_past_acts_earn_full_points_in_order_without_audit_rows():
    org = OrganizationFactory(code="zz")
    person = make_user(Role.MEMBER, org, name="张委员")
    sources = [OrganizationFactory(code=f"s{i}", name=f"来源{i}") for i in range(7)]
    acts = [
        PastAct(person, "volunteer", source, f"志愿服务{i}", f"/x/{i}/", "义诊", date(2021, 3, i + 1))
        for i, source in enumerate(sources)
    ]
    audit_before = AuditEntry.objects.count()
    assert duty_history_load(organization=org, acts=acts) == 7
    entries = list(DutyEntry.objects.order_by("id"))
    # The yearly cap (10 points of volunteering) is not applied to the past: 7 × 2 points.
    assert [e.points for e in entries] == [Decimal(2)] * 7
    assert [e.source_label for e in entries] == [f"志愿服务{i}" for i in range(7)]
    assert entries[0].term == "第十五届" and entries[0].year == 2021 and entries[0].kind == "volunteer"
    assert entries[0].source == sources[0]
    assert AuditEntry.objects.count() == audit_before


def test_inactive_rule_earns_nothing_and_unknown_rule_is_refused():
    org = OrganizationFactory(code="zz")
    person = make_user(Role.MEMBER, org)
    DutyRule.objects.create(organization=org, key="speech", kind="speech", label="发言", points=3, is_active=False)
    act = PastAct(person, "speech", org, "发言", "", "", date(2021, 5, 1))
    assert duty_history_load(organization=org, acts=[act]) == 0
    with pytest.raises(ValidationError):
        duty_history_load(organization=org, acts=[act._replace(rule_key="no_such_rule")])
