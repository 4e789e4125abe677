"""Duty records: default rules from domain.md, organization overrides, idempotent credit, yearly caps, totals and
the "我的履职" page."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import OrganizationFactory, make_user
from xieshang.accounts.models import Role
from xieshang.duties.models import DutyEntry, DutyRule
from xieshang.duties.selectors import entries_for_member, member_ranking, rule_for, totals_for_member
from xieshang.duties.services import duty_credit


@pytest.fixture
def org(db):
    return OrganizationFactory(code="zz")


@pytest.fixture
def person(org):
    return make_user(Role.MEMBER, org, name="张委员")


@pytest.fixture
def source(org):
    # Any saved model instance can be the source; an organization row stands in for a report here.
    return OrganizationFactory(code="source", name="来源对象")


def test_default_rules_follow_domain_md(org):
    expected = {
        "opinion_adopted_own": 1,
        "opinion_adopted_provincial": 5,
        "opinion_adopted_national": 20,
        "opinion_instruction_own": 10,
        "proposal_lead": 10,
        "proposal_filed": 15,
        "absence_plenary": -30,
    }
    for key, points in expected.items():
        assert rule_for(org, key).points == Decimal(points), key


def test_organization_rule_overrides_the_default(org, person, source):
    DutyRule.objects.create(organization=org, key="opinion_adopted_own", kind="opinion_adopted", label="本级", points=2)
    assert rule_for(org, "opinion_adopted_own").points == 2
    assert rule_for(OrganizationFactory(code="other"), "opinion_adopted_own").points == 1
    entry = duty_credit(member=person, organization=org, rule_key="opinion_adopted_own", source=source)
    assert entry.points == 2 and entry.term == "第十五届"


def test_credit_is_idempotent_per_member_rule_and_source(org, person, source):
    first = duty_credit(member=person, organization=org, rule_key="speech", source=source, note="大会发言")
    again = duty_credit(member=person, organization=org, rule_key="speech", source=source)
    assert first.pk == again.pk and DutyEntry.objects.count() == 1
    other_rule = duty_credit(member=person, organization=org, rule_key="training", source=source)
    assert other_rule.pk != first.pk


def test_yearly_cap_reduces_points_but_keeps_the_record(org, person):
    sources = [OrganizationFactory(code=f"s{i}") for i in range(7)]
    entries = [
        duty_credit(member=person, organization=org, rule_key="volunteer", source=s, occurred_on=date(2021, 3, 1))
        for s in sources[:6]
    ]
    assert [e.points for e in entries] == [2, 2, 2, 2, 2, 0]
    next_year = duty_credit(
        member=person, organization=org, rule_key="volunteer", source=sources[6], occurred_on=date(2022, 1, 5)
    )
    assert next_year.points == 2 and next_year.year == 2022


def test_unknown_rule_is_refused_and_inactive_rule_credits_nothing(org, person, source):
    with pytest.raises(ValidationError):
        duty_credit(member=person, organization=org, rule_key="no_such_rule", source=source)
    DutyRule.objects.create(organization=org, key="speech", kind="speech", label="停用", points=5, is_active=False)
    assert duty_credit(member=person, organization=org, rule_key="speech", source=source) is None
    assert not DutyEntry.objects.exists()


def test_totals_by_kind_and_ranking(org, person, source):
    other = make_user(Role.MEMBER, org, name="李委员")
    duty_credit(member=person, organization=org, rule_key="opinion_adopted_national", source=source)
    duty_credit(member=person, organization=org, rule_key="opinion_instruction_own", source=source)
    duty_credit(member=other, organization=org, rule_key="opinion_adopted_own", source=source)
    totals = totals_for_member(person, org)
    assert totals["total"] == Decimal(30) and totals["count"] == 2
    assert {label: points for _key, label, _, points in totals["by_kind"]} == {
        "社情民意信息被采用": Decimal(20),
        "获领导批示": Decimal(10),
    }
    ranking = list(member_ranking(org))
    assert [r["member_id"] for r in ranking] == [person.pk, other.pk]
    assert list(entries_for_member(person, org, year=1999)) == []


def test_my_record_page_lists_entries_with_total(client, org, person, source, django_assert_num_queries):
    duty_credit(
        member=person,
        organization=org,
        rule_key="opinion_adopted_provincial",
        source=source,
        source_label="关于加装电梯的建议",
        source_url="/opinions/1/",
    )
    client.force_login(person)
    client.get(reverse("duties:mine"))
    for i in range(3):  # more entries, same number of queries
        duty_credit(member=person, organization=org, rule_key="training", source=OrganizationFactory(code=f"t{i}"))
    with django_assert_num_queries(9):  # the user is kept (decision 0045)
        html = client.get(reverse("duties:mine")).content.decode()
    assert "关于加装电梯的建议" in html and 'href="/opinions/1/"' in html
    assert re.search(r"class=\"count\">8(\.0)?<", html), re.findall(r"class=\"count\">[^<]*<", html)


def test_my_record_page_explains_an_empty_year(client, org, person):
    client.force_login(person)
    html = client.get(reverse("duties:mine")).content.decode()
    assert "本年度还没有履职记录" in html


def test_an_organization_adds_a_kind_and_a_rule_without_code(org, person, source):
    from xieshang.duties.models import DutyKind
    from xieshang.duties.selectors import member_year
    from xieshang.duties.selectors.report import figures_for

    DutyKind.objects.create(
        organization=org, key="goods", label="捐赠物资", label_en="Donations in goods", section="activities", order=155
    )
    DutyRule.objects.create(organization=org, key="goods_donation", kind="goods", label="捐赠物资", points=3)
    entry = duty_credit(member=person, organization=org, rule_key="goods_donation", source=source,
                        occurred_on=date(2026, 2, 1), source_label="捐赠防汛物资")  # fmt: skip
    assert entry.kind == "goods" and entry.rule.organization_id == org.pk
    summary = member_year(person, org, 2026)
    assert [(key, label, n) for key, label, n, _points in summary["kinds"]] == [("goods", "捐赠物资", 1)]
    figures = figures_for(person, org, 2026)
    assert figures["count:goods"] == "1" and figures["list:activities"] == "捐赠防汛物资"
    # Another organization does not see the kind.
    other = OrganizationFactory(code="other")
    assert "count:goods" not in figures_for(person, other, 2026)


def test_rule_versions_by_year(org):
    DutyRule.objects.create(organization=None, key="speech", year_from=2028, kind="speech", label="发言", points=7)
    DutyRule.objects.create(organization=org, key="speech", year_from=2027, kind="speech", label="发言", points=6)
    assert rule_for(org, "speech", 2026).points == 5  # the platform's first version
    assert rule_for(org, "speech", 2027).points == 6  # the organization's own from 2027
    assert rule_for(org, "speech", 2030).points == 6  # its own wins over the platform's later version
    assert rule_for(OrganizationFactory(code="kf"), "speech", 2030).points == 7
