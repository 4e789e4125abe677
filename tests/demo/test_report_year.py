"""The demo builds one coherent year, 2021 (the work report's year), across every app: the report page for 2021
gives the work report's figures at the demo's scale (demo.report.expected: the published value × the scale, round
half up; the opinion reports exactly 1,151 / 779 / 372 / 9 at every scale), the Word draft writes them into the
report's sentences, annual_report prints them, and every figure's drill-down lists exactly the records it counts.

The whole demo is built once, at the default scale 0.1 (what `make demo` builds), in one test: the audit trail
refuses deletion, so the data cannot be shared between tests and cleaned up after them."""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Sum

from tests.accounts.test_isolation import _verified_login
from xieshang.accounts.models import Organization, Role, RoleGrant, User
from xieshang.core import figures
from xieshang.core.workbench import sections_for
from xieshang.demo.report import PUBLISHED, REPORT_YEAR, RESEARCH_REPORTS, expected, scaled, year_span

SCALE = 0.1
REQUIRED = [
    "opinion_reports_edited",
    "opinion_reports_to_city",
    "opinion_reports_to_province",
    "opinion_reports_adopted_national",
    "matters_done_for_residents",
    "reports_to_party_committee",
    "supervision_visits",
    "research_reports",
    "promotion_meetings",
    "proposals_filed",
    "consultations_held",
]


def test_the_rounding_rule():
    assert [scaled(v, 0.1) for v in (1151, 29, 26, 68, 116, 10, 150, 2300, 5, 4)] == [
        115,
        3,
        3,
        7,
        12,
        1,
        15,
        230,
        1,  # 0.5 rounds half up
        1,  # never below 1
    ]
    assert expected("research_reports", 1) == 55 and expected("research_reports", 0.1) == 6
    assert expected("opinion_reports_edited", 0.1) == 1151 and expected("donations_money", 1) == 7_000_000


def _total(page: str) -> int:
    found = re.search(r'data-testid="total">\D*([\d,]+)', page)
    assert found, page[:500]
    return int(found.group(1).replace(",", ""))


def _measured_in_python(figure, records) -> int | float:
    """The figure's value computed here from the listed records, not by the registry's measure()."""
    rows = list(records)
    if figure.part is not None:
        matching = set(records.filter(figure.part).values_list("pk", flat=True))
        return round(100 * len(matching) / len(rows), 1) if rows else 0.0
    if figure.total:

        def amount(obj):
            value = obj
            for part in figure.total.split("__"):
                value = getattr(value, part)
            return value or Decimal(0)

        total = sum((amount(obj) for obj in rows), Decimal(0))
        if figure.per:
            people = {getattr(obj, f"{figure.per}_id") for obj in rows}
            return round(float(total) / len(people), 1) if people else 0.0
        return round(total)
    return len(rows)


@pytest.mark.django_db(transaction=False)
def test_the_demo_year_gives_the_work_reports_figures(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    out = StringIO()
    call_command("demo_data", "--scale", str(SCALE), "--quiet-accounts", stdout=out)
    printed = out.getvalue()
    # The build says which scale and which year it built, and shows the figures beside the expected values.
    assert f"演示规模 {SCALE:g}" in printed and f"{REPORT_YEAR}年工作报告数据" in printed
    zz = Organization.objects.get(code="zhengzhou")
    start, end = year_span()

    # The report's figures for 2021, read through the registry as the report page reads them.
    values = figures.values(zz.pk, start, end)
    assert {k: values[k] for k in PUBLISHED} == {k: expected(k, SCALE) for k in PUBLISHED}
    # Every app has its year in 2021, not only the ones the report names.
    for key in ("proposals_filed", "consultations_held", "sessions_held", "session_speeches", "duty_members_credited"):
        assert values[key] > 0, key
    assert values["consultations_held"] == 6 and values["sessions_held"] == 7
    assert 0 < values["replies_on_time_rate"] <= 100 and 0 < values["replies_satisfaction_rate"] <= 100
    assert 80 <= values["session_attendance_rate"] < 100 and values["volunteer_hours"] > 0
    # The research reports: 29 and 26 at full scale, one group per consultation theme.
    research = figures.get("research_reports").breakdown(
        figures.Dimension("theme", "", "activity__organizer_name"), zz.pk, start, end
    )
    assert sorted(n for _k, _l, n in research) == sorted(scaled(n, SCALE) for n in RESEARCH_REPORTS)

    # Proposals of the plenary session: those submitted in its window belong to it.
    from xieshang.assemblies.models import Session
    from xieshang.proposals.models import Proposal

    plenary = Session.objects.get(organization=zz, kind="plenary", starts_at__year=REPORT_YEAR)
    filed = Proposal.objects.filter(organization=zz, year=REPORT_YEAR, kind="proposal", submitted_at__isnull=False)
    assert plenary.proposals.count() >= 0.7 * filed.count() > 0
    assert not filed.filter(closed_at__isnull=True, outcome="filed").exists()

    # Every member has a 2021 duty file, with a believable spread of points.
    from xieshang.duties.models import DutyEntry

    members = set(
        RoleGrant.objects.filter(organization=zz, role=Role.MEMBER, user__is_active=True).values_list("user", flat=True)
    )
    points = {
        row["member"]: row["p"]
        for row in DutyEntry.objects.filter(organization=zz, year=REPORT_YEAR)
        .values("member")
        .annotate(p=Sum("points"))
    }
    # Every member was invited to the plenary: credited for attending or penalized for an absence; only a member
    # excused from it and invited to nothing else has no entry.
    excused = set(plenary.attendances.filter(status="leave_approved").values_list("member", flat=True))
    assert members - excused <= set(points) and len(members - set(points)) <= 0.05 * len(members)
    spread = sorted(points.get(m, 0) for m in members)  # an excused member with no other duty has none
    assert spread[0] < spread[len(spread) // 2] < spread[-1]

    # annual_report prints every figure, the names the report needs among them, with the same numbers.
    json_out = StringIO()
    call_command("annual_report", "--year", str(REPORT_YEAR), "--json", stdout=json_out)
    report = json.loads(json_out.getvalue())
    assert set(REQUIRED) <= set(report) and {k: report[k] for k in PUBLISHED} == {k: values[k] for k in PUBLISHED}

    # The report page, each figure's drill-down (the same records, the same count), the Word draft.
    staff = User.objects.get(username="committee")
    _verified_login(client, staff)
    page = client.get("/stats/report/", {"year": REPORT_YEAR}).content.decode()
    assert 'data-figure="opinion_reports_edited"' in page
    for figure in figures.figures():
        records = figure.queryset(zz.pk, start, end)
        listing = client.get(f"/stats/figures/{figure.key}/", {"year": REPORT_YEAR}).content.decode()
        assert _total(listing) == records.count(), figure.key
        assert _measured_in_python(figure, records) == values[figure.key], figure.key

    from docx import Document

    draft = client.get("/stats/report/draft.docx", {"year": REPORT_YEAR})
    text = "\n".join(p.text for p in Document(io.BytesIO(draft.content)).paragraphs)
    for sentence in (
        "编发社情民意信息1,151件",
        "向市委市政府报送及相关委局转办779件",
        "向省政协报送372件",
        "被全国政协办公厅采用9件",
        f"为群众办实事{expected('matters_done_for_residents', SCALE):,}件",
        f"向市委报告重要事项{expected('reports_to_party_committee', SCALE)}次",
        f"督导指导{expected('supervision_visits', SCALE)}次",
        f"调研督导{expected('survey_visits', SCALE)}次",
        f"提交调研报告{expected('research_reports', SCALE)}篇",
        f"召开现场推进会{expected('promotion_meetings', SCALE)}次",
        f"文史馆接待省内外到访参观{expected('history_hall_visitor_groups', SCALE)}批次",
        f"委员捐款{expected('donations_money', SCALE):,}元",
        f"捐赠物资折价{expected('donations_goods', SCALE):,}元",
        f"动员社会各界捐款捐物{expected('donations_mobilised', SCALE):,}元",
    ):
        assert sentence in text, sentence

    # The demo stays a live product: each role still finds work waiting today.
    for username in ("member", "standing", "proposals", "information", "committee", "unit", "leader"):
        user = User.objects.get(username=username)
        assert any(s.count for s in sections_for(user, zz)), username
