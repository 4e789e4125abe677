"""Staff pages: ranking with tiers and filters (sector, committee, district), shortfalls, Excel exports through
safe_cell, the rules page (a version per year, audited, earlier years untouched), query counts constant in data size."""

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Count, Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from tests.factories import CommitteeFactory, OrganizationFactory, SectorFactory, make_user
from tests.workflow.conftest import verified_login
from xieshang.accounts.models import MemberProfile, Role
from xieshang.audit.models import AuditEntry
from xieshang.core import generations
from xieshang.duties.models import DutyEntry, DutyRule, DutySettings, DutyTally
from xieshang.duties.selectors import org_generation, ranking, ranking_page, rule_for, shortfalls
from xieshang.duties.services import Credit, credit, credit_many, tallies_rebuild

pytestmark = pytest.mark.django_db
YEAR = 2026


@pytest.fixture
def org():
    return OrganizationFactory(code="zz")


@pytest.fixture
def staff(org):
    return make_user(Role.COMMITTEE_STAFF, org, username="staff", name="赵工作")


def _member(org, name, *, sector=None, committee=None, district="", standing=False):
    user = make_user(Role.STANDING_MEMBER if standing else Role.MEMBER, org, name=name)
    profile = MemberProfile.objects.get(user=user, organization=org)
    profile.sector, profile.district = sector, district
    profile.save()
    if committee is not None:
        profile.committees.add(committee)
    return user


def _credit(org, member, key, n, prefix):
    sources = [OrganizationFactory(code=f"{prefix}{i}") for i in range(n)]
    credit_many(organization=org, credits=[Credit(member, key, s, date(YEAR, 4, 1)) for s in sources])


def test_ranking_tiers_and_filters(org):
    economy, culture = SectorFactory(organization=org, name="经济界"), SectorFactory(organization=org, name="文化界")
    committee = CommitteeFactory(organization=org, name="提案委员会")
    top = _member(org, "甲委员", sector=economy, committee=committee, district="金水区")
    middle = _member(org, "乙委员", sector=culture, district="二七区")
    idle = _member(org, "丙委员", sector=economy, district="金水区")
    _credit(org, top, "proposal_lead", 10, "t")  # 100 points
    _credit(org, middle, "proposal_cosign", 10, "m")  # 50 points
    rows = ranking(org, YEAR)
    assert [(r.name, r.points, r.rank, r.tier) for r in rows] == [
        ("甲委员", Decimal(100), 1, "excellent"),
        ("乙委员", Decimal(50), 2, "basic"),
        ("丙委员", Decimal(0), 3, "fail"),
    ]
    assert [r.member_id for r in ranking(org, YEAR, sector=economy.pk)] == [top.pk, idle.pk]
    assert [r.member_id for r in ranking(org, YEAR, committee=committee.pk)] == [top.pk]
    assert [r.member_id for r in ranking(org, YEAR, district="二七区")] == [middle.pk]
    DutySettings.objects.create(organization=org, excellent_min=120, pass_min=50, basic_min=10)
    assert [r.tier for r in ranking(org, YEAR)] == ["pass", "pass", "fail"]


def test_shortfalls_name_the_requirement_missed(org):
    keen = _member(org, "甲委员")
    lazy = _member(org, "乙委员", standing=True)
    _credit(org, keen, "proposal_lead", 1, "k")
    _credit(org, lazy, "attendance_plenary", 1, "a")
    _credit(org, lazy, "absence_plenary", 1, "b")
    found = {r.name: [s.requirement.measure for s in r.shortfalls] for r in shortfalls(org, YEAR)}
    # The standing member owes a proposal, 80 % attendance (he has 50 %) and a speech; the other owes nothing.
    assert found == {"乙委员": ["count", "attendance", "count"]}


def test_ranking_page_filters_and_exports_with_safe_cells(client, org, staff):
    sector = SectorFactory(organization=org, name="经济界")
    member = _member(org, "=HYPERLINK(1)", sector=sector, district="金水区")
    _member(org, "乙委员")
    _credit(org, member, "proposal_lead", 2, "p")
    verified_login(client, staff)
    html = client.get(reverse("duties:ranking"), {"year": YEAR, "sector": sector.pk}).content.decode()
    assert "乙委员" not in html and "HYPERLINK" in html
    response = client.get(reverse("duties:ranking"), {"year": YEAR, "sector": sector.pk, "format": "xlsx"})
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][1] == "'=HYPERLINK(1)" and rows[1][6] == 20 and len(rows) == 2
    response = client.get(reverse("duties:shortfalls"), {"year": YEAR, "format": "xlsx"})
    assert response.status_code == 200 and response.content[:2] == b"PK"
    member_export = client.get(reverse("duties:member_export", args=[member.pk]), {"year": YEAR})
    assert member_export.status_code == 200


def test_members_and_outsiders_cannot_open_staff_pages(client, org):
    member = _member(org, "甲委员")
    client.force_login(member)
    for name in ("duties:ranking", "duties:shortfalls", "duties:rules"):
        assert client.get(reverse(name)).status_code == 403
    assert client.get(reverse("duties:member", args=[member.pk])).status_code == 403
    outsider_staff = make_user(Role.COMMITTEE_STAFF, OrganizationFactory(code="kf"), username="kf")
    verified_login(client, outsider_staff)
    assert client.get(reverse("duties:member", args=[member.pk])).status_code in (403, 404)


def test_rule_edited_for_next_year_leaves_this_years_credits_alone(client, org, staff):
    member = _member(org, "甲委员")
    verified_login(client, staff)
    url = reverse("duties:rule_edit", args=["speech"])
    form = {"label": "大会发言", "label_en": "Speech", "points": "8", "cap_per_year": "", "is_active": "on"}
    bad = client.post(f"{url}?year={YEAR + 1}", {**form, "points": "abc"})
    assert bad.status_code == 422 and "请填写数字" in bad.content.decode() and 'value="abc"' in bad.content.decode()
    assert not DutyRule.objects.filter(organization=org).exists()
    assert client.post(f"{url}?year={YEAR + 1}", form).status_code == 302
    old = credit(member=member, organization=org, rule_key="speech", source=org, occurred_on=date(YEAR, 5, 1))
    new = credit(member=member, organization=org, rule_key="speech", source=staff, occurred_on=date(YEAR + 1, 5, 1))
    assert (old.points, new.points) == (Decimal(5), Decimal(8))
    assert rule_for(org, "speech", YEAR).points == 5 and rule_for(org, "speech", YEAR + 1).points == 8
    audit = AuditEntry.objects.get(action="duties.rule_update")
    assert audit.detail["before"]["points"] == "5.0" and audit.detail["after"]["points"] == "8"
    # Saving the same again changes nothing and writes no second audit row.
    client.post(f"{url}?year={YEAR + 1}", form)
    assert AuditEntry.objects.filter(action="duties.rule_update").count() == 1
    page = client.get(reverse("duties:rules"), {"year": YEAR + 1}).content.decode()
    assert "8.0" in page or ">8<" in page


def test_tier_cut_offs_must_descend(client, org, staff):
    verified_login(client, staff)
    response = client.post(
        reverse("duties:rules") + f"?year={YEAR}", {"excellent_min": "50", "pass_min": "60", "basic_min": "40"}
    )
    assert response.status_code == 422 and "依次降低" in response.content.decode()
    assert not DutySettings.objects.filter(organization=org).exists()
    ok = client.post(
        reverse("duties:rules") + f"?year={YEAR}", {"excellent_min": "85", "pass_min": "60", "basic_min": "40"}
    )
    assert ok.status_code == 302 and DutySettings.for_organization(org).excellent_min == 85


def _world(org, n_members, entries_each):
    members = [_member(org, f"委员{n_members}-{i}", district="金水区") for i in range(n_members)]
    sources = [OrganizationFactory(code=f"w{n_members}-{i}") for i in range(entries_each)]
    keys = ["proposal_lead", "training", "attendance_plenary", "speech"]
    credit_many(
        organization=org,
        credits=[Credit(m, keys[j % 4], s, date(YEAR, 3, 1)) for m in members for j, s in enumerate(sources)],
    )
    return members


def test_query_counts_do_not_grow_with_members_or_entries(client, org, staff, django_assert_num_queries):
    small = _world(org, 2, 2)
    verified_login(client, staff)
    pages = [
        (reverse("duties:ranking"), {"year": YEAR, "district": "金水区"}),
        (reverse("duties:shortfalls"), {"year": YEAR}),
        (reverse("duties:member", args=[small[0].pk]), {"year": YEAR}),
    ]
    counts = []
    for url, params in pages:
        client.get(url, params)  # warm the per-process caches
        generations.advance(org_generation(org))  # measure the page built afresh, not the cached part
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, params).status_code == 200
        counts.append(len(ctx))
    _world(org, 15, 12)
    for (url, params), expected in zip(pages, counts, strict=True):
        client.get(url, params)  # the kept grants and menu again (building the world may move their generations)
        generations.advance(org_generation(org))
        with django_assert_num_queries(expected):
            client.get(url, params)
    assert DutyEntry.objects.count() == 2 * 2 + 15 * 12


def test_ranking_and_member_pages_come_from_the_cache_until_what_they_show_changes(client, org, staff):
    """The ranking's table and a member's year are kept in the cache (core.fragments) under the organization's duty
    generation: a second view reads no duty table, and every write a page shows — a credit, a member's new name,
    committee or profile, new tier cut-offs — is on the next view."""
    economy = SectorFactory(organization=org, name="经济界")
    top = _member(org, "甲委员", sector=economy, district="金水区")
    other = _member(org, "乙委员", sector=economy, district="金水区")
    _credit(org, top, "proposal_lead", 2, "a")  # 20 points
    verified_login(client, staff)
    ranking_url, member_url = reverse("duties:ranking"), reverse("duties:member", args=[other.pk])
    first = client.get(ranking_url, {"year": YEAR}).content.decode()
    assert "甲委员" in first and re.search(r"<td>20(\.0)?</td>", first)  # 20 on SQLite, 20.0 on PostgreSQL
    client.get(member_url, {"year": YEAR})
    for url in (ranking_url, member_url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, {"year": YEAR}).status_code == 200
        assert [q["sql"] for q in ctx if "duties_" in q["sql"]] == [], url  # served from the cache
        assert len(ctx) <= 5, url  # the session's user, second factor, roles (and the member page's 404 check)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the part in the reader's language: kept per language
    with translation.override("en"):
        english = str(_("导出 Excel"))
    assert english != "导出 Excel" and english in client.get(ranking_url, {"year": YEAR}).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    _credit(org, other, "proposal_lead", 3, "b")  # 30 points: now first
    page = client.get(ranking_url, {"year": YEAR}).content.decode()
    assert page.index("乙委员") < page.index("甲委员")
    assert 'class="count">30' in client.get(member_url, {"year": YEAR}).content.decode()

    other.name = "乙委员改名"
    other.save()
    assert "乙委员改名" in client.get(ranking_url, {"year": YEAR}).content.decode()

    committee = CommitteeFactory(organization=org, name="经济委员会")
    MemberProfile.objects.get(user=other, organization=org).committees.add(committee)
    assert "经济委员会" in client.get(ranking_url, {"year": YEAR}).content.decode()

    profile = MemberProfile.objects.get(user=top, organization=org)
    profile.district = "二七区"
    profile.save()
    assert "二七区" in client.get(ranking_url, {"year": YEAR}).content.decode()

    conf = DutySettings.for_organization(org)
    conf.excellent_min = Decimal("25")
    conf.save()
    assert "优秀 ≥ 25" in client.get(ranking_url, {"year": YEAR}).content.decode()


def _tallies(org):
    return {(t.member_id, t.year): (t.points, t.entries) for t in DutyTally.objects.filter(organization=org)}


def _sums(org):
    rows = (
        DutyEntry.objects.filter(organization=org).values("member_id", "year").annotate(p=Sum("points"), n=Count("id"))
    )
    return {(r["member_id"], r["year"]): (r["p"], r["n"]) for r in rows.order_by()}


def test_yearly_tallies_follow_every_credit_and_the_ranking_page_reads_them(org):
    members = _world(org, 4, 5)
    one = members[0]
    source = OrganizationFactory(code="again")
    credit(member=one, organization=org, rule_key="proposal_lead", source=source, occurred_on=date(YEAR, 5, 1))
    credit(member=one, organization=org, rule_key="proposal_lead", source=source, occurred_on=date(YEAR, 5, 1))
    credit_many(organization=org, credits=[Credit(one, "proposal_lead", source, date(YEAR, 5, 1))])  # again: nothing
    earlier = OrganizationFactory(code="earlier")
    credit(member=one, organization=org, rule_key="proposal_lead", source=earlier, occurred_on=date(YEAR - 1, 5, 1))
    tallies = _tallies(org)
    assert tallies == _sums(org) and (one.pk, YEAR - 1) in tallies
    assert tallies_rebuild(organization=org) == len(tallies) and _tallies(org) == tallies
    page, tiers = ranking_page(org, YEAR, per_page=3)
    full = ranking(org, YEAR)
    assert [(r.member_id, r.points, r.entries, r.rank, r.tier) for r in page] == [
        (r.member_id, r.points, r.entries, r.rank, r.tier) for r in full[:3]
    ]
    assert sum(tiers.values()) == len(full) == page.paginator.count
    assert tiers == {t: sum(1 for r in full if r.tier == t) for t in ("excellent", "pass", "basic", "fail")}
