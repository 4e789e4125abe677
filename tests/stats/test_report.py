"""The statistics face: the registry's figures, the report page, its drill-downs and downloads, the annual_report
command, and the registers (请示报告, 办实事 ledger) that feed two of the report's figures."""

from __future__ import annotations

import io
import json
import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from tests.accounts.test_isolation import _verified_login
from tests.factories import make_user
from xieshang.accounts.models import Role
from xieshang.core import figures
from xieshang.core.figures import PERIODS, SECTIONS
from xieshang.registers import services
from xieshang.registers.models import Matter, PartyReport
from xieshang.stats.selectors import Period

REQUIRED = {
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
}


@pytest.fixture
def staff(organization):
    return make_user(Role.INFORMATION_STAFF, organization, username="info")


@pytest.fixture
def records(organization, staff):
    """Two matters and two party reports this year, one of each last year."""
    today = timezone.localdate()
    last_year = today.replace(year=today.year - 1, day=min(today.day, 28))
    services.record_matter(
        staff, organization, title="修复黄河路路灯", done_on=today, source="activity", place="黄河路"
    )
    services.record_matter(staff, organization, title="=加装电梯", done_on=today)
    services.record_matter(staff, organization, title="去年的事", done_on=last_year)
    services.record_party_report(
        staff, organization, reported_on=today, subject="关于年度协商计划的请示", form="request", reported_to="中共市委"
    )
    services.record_party_report(
        staff, organization, reported_on=today, subject="关于全会筹备情况的报告", form="written", reported_to="中共市委"
    )
    services.record_party_report(
        staff, organization, reported_on=last_year, subject="去年的报告", form="written", reported_to="中共市委"
    )
    return today


def test_every_figure_says_what_it_counts():
    registered = figures.figures()
    assert {f.key for f in registered} >= REQUIRED
    for figure in registered:
        assert figure.period in PERIODS and figure.section in SECTIONS
        assert str(figure.label) and str(figure.unit) and str(figure.question).endswith("？")
        if figure.sentence:
            assert "{value}" in str(figure.sentence)


def test_the_page_shows_each_figure_beside_last_year_and_links_its_records(client, staff, organization, records):
    _verified_login(client, staff)
    page = client.get("/stats/report/", {"year": records.year}).content.decode()
    assert 'data-figure="matters_done_for_residents"' in page
    row = page[page.index('data-figure="matters_done_for_residents"') :]
    assert 'data-value="2"' in row.split("</tr>")[0] and "<td>1</td>" in row.split("</tr>")[0]
    listing = client.get("/stats/figures/matters_done_for_residents/", {"year": records.year}).content.decode()
    assert "修复黄河路路灯" in listing and "去年的事" not in listing
    by_source = client.get(
        "/stats/figures/matters_done_for_residents/", {"year": records.year, "by": "source", "value": "activity"}
    ).content.decode()
    assert "修复黄河路路灯" in by_source and "加装电梯" not in by_source


def test_members_and_residents_may_not_read_the_report(client, organization, member):
    client.force_login(member)
    assert client.get("/stats/report/").status_code == 403
    assert client.get("/stats/figures/proposals_filed/").status_code == 403
    assert client.get("/registers/matters/").status_code == 403


def test_unknown_figure_and_bad_period(client, staff, records):
    _verified_login(client, staff)
    assert client.get("/stats/figures/no_such_figure/").status_code == 404
    page = client.get("/stats/report/", {"start": "2026-05-01"}).content.decode()
    assert "请同时填写开始日期和结束日期" in page


def test_word_draft_writes_the_report_sentences_and_excel_the_table(client, staff, records):
    from docx import Document
    from openpyxl import load_workbook

    _verified_login(client, staff)
    response = client.get("/stats/report/draft.docx", {"year": records.year})
    assert response.status_code == 200 and "filename*=UTF-8''" in response["Content-Disposition"]
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "为群众办实事2件" in text and "向市委报告重要事项2次" in text
    book = load_workbook(io.BytesIO(client.get("/stats/report/figures.xlsx", {"year": records.year}).content))
    rows = {r[1]: r for r in book.active.iter_rows(min_row=3, values_only=True)}
    assert rows["matters_done_for_residents"][4:7] == (2, 1, 1)
    assert rows["reports_to_party_committee"][4:7] == (2, 1, 1)


def test_annual_report_command_prints_every_figure_as_json(organization, records):
    out = io.StringIO()
    call_command(
        "annual_report", "--year", str(records.year), "--organization", organization.code, "--json", stdout=out
    )
    printed = json.loads(out.getvalue())
    assert set(printed) == {f.key for f in figures.figures()}
    assert printed["matters_done_for_residents"] == 2 and printed["reports_to_party_committee"] == 2
    table = io.StringIO()
    call_command("annual_report", "--year", str(records.year), stdout=table)
    assert "matters_done_for_residents" in table.getvalue()


def test_previous_period_is_the_same_span_a_year_before():
    assert Period(date(2024, 2, 29), date(2024, 12, 31)).previous() == Period(date(2023, 2, 28), date(2023, 12, 31))
    assert Period.year(2021).is_year and not Period(date(2021, 1, 1), date(2021, 6, 30)).is_year


def test_registers_refuse_bad_input_and_change_nothing(staff, organization, member):
    future = timezone.localdate() + timedelta(days=3)
    with pytest.raises(ValidationError, match="不能晚于今天"):
        services.record_matter(staff, organization, title="明天的事", done_on=future)
    with pytest.raises(ValidationError):
        services.record_party_report(
            staff, organization, reported_on=timezone.localdate(), subject="  ", form="written", reported_to="市委"
        )
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.record_matter(member, organization, title="x", done_on=timezone.localdate())
    assert not Matter.objects.exists() and not PartyReport.objects.exists()


def test_a_reply_before_the_report_is_refused(staff, organization, records):
    report = PartyReport.objects.filter(reported_on=records).first()
    with pytest.raises(ValidationError, match="不能早于报告日期"):
        services.record_reply(staff, report, reply="同意", replied_on=records - timedelta(days=1))
    services.record_reply(staff, report, reply="同意", replied_on=records)
    report.refresh_from_db()
    assert report.reply == "同意" and report.replied_on == records


def test_a_matter_from_a_record_is_recorded_once(organization, staff):
    source = PartyReport.objects.create(
        organization=organization, reported_on=timezone.localdate(), subject="s", reported_to="t"
    )
    first = services.record_matter_from(
        source, organization_id=organization.pk, title="a", done_on=date.today(), source="other"
    )
    again = services.record_matter_from(
        source, organization_id=organization.pk, title="b", done_on=date.today(), source="other"
    )
    assert first.pk == again.pk and Matter.objects.count() == 1


def test_staff_record_through_the_registers_pages_and_a_refused_form_keeps_the_text(client, staff, organization):
    _verified_login(client, staff)
    bad = client.post("/registers/matters/", {"title": "修好单元门", "done_on": "2999-01-01", "source": "other"})
    assert bad.status_code == 200 and "修好单元门" in bad.content.decode() and not Matter.objects.exists()
    ok = client.post(
        "/registers/matters/", {"title": "修好单元门", "done_on": timezone.localdate().isoformat(), "source": "other"}
    )
    assert ok.status_code == 302 and Matter.objects.get().title == "修好单元门"


def test_the_api_gives_the_same_figures(client, staff, member, records):
    _verified_login(client, staff)
    answer = client.get("/api/stats/figures", {"year": records.year})
    assert answer.status_code == 200
    found = {f["key"]: f for f in answer.json()}
    assert set(found) == {f.key for f in figures.figures()}
    assert (found["matters_done_for_residents"]["value"], found["matters_done_for_residents"]["previous"]) == (2, 1)
    assert found["reports_to_party_committee"]["period"] == "event"
    assert client.get("/api/stats/figures", {"start": "2026-05-01"}).status_code == 422
    client.force_login(member)
    assert client.get("/api/stats/figures").status_code == 403


def test_a_city_sees_its_districts_figures_rolled_up(client, staff, organization, records):
    from tests.factories import OrganizationFactory
    from xieshang.accounts.models import Organization

    district = OrganizationFactory(
        name="金水区政协", short_name="金水区", code="jinshui", level=Organization.Level.DISTRICT, parent=organization
    )
    district_staff = make_user(Role.COMMITTEE_STAFF, district, username="jinshui-staff")
    services.record_matter(district_staff, district, title="金水区的实事", done_on=records)
    _verified_login(client, staff)
    page = client.get("/stats/report/districts/", {"year": records.year}).content.decode()
    row = page[page.index('data-figure="matters_done_for_residents"') :].split("</tr>")[0]
    assert "<td>2</td><td>1</td><td><strong>3</strong></td>" in row.replace("\n", "").replace("    ", "")
    assert "金水区" in page


def test_a_register_form_posted_twice_records_once(client, staff):
    _verified_login(client, staff)
    form = client.get("/registers/matters/").content.decode()
    token = re.search(r'name="submission_token" value="([^"]+)"', form).group(1)
    data = {"title": "修好单元门", "done_on": timezone.localdate().isoformat(), "source": "other"}
    data["submission_token"] = token
    assert client.post("/registers/matters/", data).status_code == 302
    assert client.post("/registers/matters/", data).status_code == 302
    assert Matter.objects.count() == 1
