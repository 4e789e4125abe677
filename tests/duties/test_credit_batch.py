"""credit_many, the batch form of credit: a constant number of queries, idempotent like credit, caps applied in
order, each entry naming the rule version of its year; an unknown rule refuses the whole batch."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tests.factories import OrganizationFactory, audit_lock_queries, make_user
from xieshang.accounts.models import Role
from xieshang.audit.models import AuditEntry
from xieshang.duties.models import DutyEntry, DutyRule
from xieshang.duties.services import Credit, credit, credit_many

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return OrganizationFactory(code="zz")


def _sources(n, prefix="s"):
    return [OrganizationFactory(code=f"{prefix}{i}", name=f"来源{prefix}{i}") for i in range(n)]


def test_batch_is_written_once_and_a_rerun_writes_nothing(org):
    members = [make_user(Role.MEMBER, org, name=f"委员{i}") for i in range(3)]
    sources = _sources(2)
    acts = [Credit(m, "training", s, date(2026, 5, 1)) for m in members for s in sources]
    first = credit_many(organization=org, credits=acts)
    assert len(first) == 6 and all(e.pk for e in first)
    assert DutyEntry.objects.count() == 6
    assert {e.term for e in DutyEntry.objects.all()} == {"第十五届"}
    # A rerun (with an act repeated inside the batch) writes nothing and returns nothing written.
    assert credit_many(organization=org, credits=acts + [acts[0]]) == []
    assert DutyEntry.objects.count() == 6
    # The single-act service sees the same entries.
    assert credit(member=members[0], organization=org, rule_key="training", source=sources[0]).pk == first[0].pk
    assert AuditEntry.objects.filter(action="duties.credit_many").count() == 1


def test_query_count_does_not_grow_with_the_batch(org, django_assert_max_num_queries):
    members = [make_user(Role.MEMBER, org, name=f"委员{i}") for i in range(20)]
    small, large = _sources(1, "a"), _sources(10, "b")
    credit_many(organization=org, credits=[Credit(members[0], "inspection", small[0], date(2026, 3, 1))])
    with django_assert_max_num_queries(11 + audit_lock_queries()) as few:
        credit_many(
            organization=org, credits=[Credit(m, "inspection", small[0], date(2026, 3, 1)) for m in members[1:3]]
        )
    with django_assert_max_num_queries(len(few)):
        credit_many(
            organization=org, credits=[Credit(m, "inspection", s, date(2026, 3, 1)) for m in members for s in large]
        )
    assert DutyEntry.objects.count() == 1 + 2 + 200


def test_caps_apply_in_order_and_versions_by_year(org):
    person = make_user(Role.MEMBER, org)
    DutyRule.objects.create(
        organization=org, key="volunteer", year_from=2027, kind="volunteer", label="志愿", points=4, cap_per_year=8
    )
    credit(member=person, organization=org, rule_key="volunteer", source=org, occurred_on=date(2026, 1, 2))
    sources = _sources(6)
    acts = [Credit(person, "volunteer", s, date(2026, 6, 1)) for s in sources[:5]]
    acts.append(Credit(person, "volunteer", sources[5], date(2027, 2, 1)))
    entries = credit_many(organization=org, credits=acts)
    assert len(entries) == 6
    # 2026: the platform rule (2 points, cap 10), 2 already earned; 2027: the organization's version (4 points).
    assert [e.points for e in entries] == [Decimal(2), Decimal(2), Decimal(2), Decimal(2), Decimal(0), Decimal(4)]
    assert entries[0].rule.organization_id is None and entries[-1].rule.year_from == 2027


def test_unknown_rule_refuses_the_whole_batch_and_inactive_rule_credits_nothing(org):
    person = make_user(Role.MEMBER, org)
    a, b = _sources(2)
    with pytest.raises(ValidationError):
        credit_many(organization=org, credits=[Credit(person, "training", a), Credit(person, "no_such_rule", b)])
    assert not DutyEntry.objects.exists()
    DutyRule.objects.create(organization=org, key="speech", kind="speech", label="发言", points=3, is_active=False)
    assert credit_many(organization=org, credits=[Credit(person, "speech", a)]) == []
    assert not DutyEntry.objects.exists()
    assert credit_many(organization=org, credits=[]) == []
