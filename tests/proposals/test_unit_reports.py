"""Units' annual handling reports and the evaluation of units (#15, decision 0030): the figures are counted from the
records a unit's year left (parts, replies, grades, ratings, promises), the draft says them, the report moves once
per step (a repeated submission does not act twice, an edit after submission is refused), and the evaluation's
weights refuse negative values and a sum other than 100 with the reason."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.proposals.test_views_support import login, make_proposal
from xieshang.audit.models import AuditEntry
from xieshang.consultations import services as consultation_services
from xieshang.consultations.models import Outcome
from xieshang.notifications.models import Notification
from xieshang.proposals import selectors, services, unit_records
from xieshang.proposals.models import Reply, UnitEvaluationWeights, UnitReport
from xieshang.proposals.services import unit_reports
from xieshang.workflow.exceptions import InvalidEdge

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year


@pytest.fixture
def year_of_work(world):
    """Two proposals led by the first unit (the second co-handles both): the first replied B on time, rated
    satisfied and basically satisfied, its promise carried out; the second replied B late, rated dissatisfied, its
    promise past its date and not carried out."""
    w = world
    first = make_proposal(w, title="关于加快老旧小区加装电梯的建议", to="rated")
    second = make_proposal(w, title="关于增设社区养老服务点的建议", to="replied", cosign=False)
    services.rating_submit(actor=w.lead, proposal=second, satisfaction="dissatisfied", comment="进度太慢")
    Reply.objects.filter(proposal=second).update(on_time=False)
    kept = Outcome.objects.get(origin_id=Reply.objects.get(proposal=first).pk)
    for key in ("adopt", "implement"):
        consultation_services.outcome_transition(actor=w.officers[0], outcome=kept, key=key)
    consultation_services.progress_add(actor=w.officers[0], outcome=kept, text="试点小区电梯已验收。", percent=100)
    consultation_services.outcome_transition(actor=w.officers[0], outcome=kept, key="complete")
    Outcome.objects.filter(origin_id=Reply.objects.get(proposal=second).pk).update(
        promised_on=timezone.localdate() - timedelta(days=1)
    )
    w.first, w.second = first, second
    return w


def test_a_units_figures_are_counted_from_its_records(year_of_work):
    w = year_of_work
    lead = unit_records.unit_figures(w.org.pk, w.units[0].pk, YEAR)
    assert {k: lead[k] for k in ("lead", "co", "split", "micro")} == {"lead": 2, "co": 0, "split": 0, "micro": 0}
    assert (lead["replied"], lead["on_time"], lead["late"]) == (2, 1, 1)
    # The dissatisfied proposal is being rehandled: its grade counts again when the new round's reply arrives.
    assert w.second.__class__.objects.get(pk=w.second.pk).reply_round == 2
    assert (lead["grade_a"], lead["grade_b"], lead["grade_c"]) == (0, 1, 0)
    assert (lead["rated"], lead["satisfied"], lead["basic"], lead["dissatisfied"]) == (3, 1, 1, 1)
    assert (lead["promises"], lead["kept_on_time"], lead["kept_late"], lead["open"], lead["overdue"]) == (2, 1, 0, 0, 1)
    assert lead["on_time_rate"] == 50.0
    assert lead["satisfaction_rate"] == 66.7
    assert lead["promise_rate"] == 50.0
    assert lead["solved_rate"] == 100.0
    co = unit_records.unit_figures(w.org.pk, w.units[1].pk, YEAR)
    assert co["co"] == 2 and co["lead"] == 0 and co["replied"] == 0 and co["on_time_rate"] is None
    # Another year counts nothing.
    assert unit_records.unit_figures(w.org.pk, w.units[0].pk, YEAR - 1)["lead"] == 0
    # Each figure's list holds exactly the records it counts.
    for key in ("lead", "late", "grade_b", "rated", "dissatisfied", "promises", "overdue", "kept_on_time"):
        assert unit_records.measure_records(w.org.pk, w.units[0].pk, YEAR, key).count() == lead[key]
    late = unit_records.measure_records(w.org.pk, w.units[0].pk, YEAR, "late").get()
    assert late.proposal_id == w.second.pk


def test_the_score_weighs_the_rates_and_ranks_the_units(year_of_work):
    w = year_of_work
    rows = unit_records.evaluation(w.org.pk, YEAR)
    first = rows[0]
    assert first.unit_id == w.units[0].pk and first.rank == 1
    # (30 × 50 + 40 × 66.7 + 20 × 50 + 10 × 100) / 100
    assert first.score == 61.7
    # Units without a single rate are listed after the ranked ones, unranked.
    assert [r.rank for r in rows[1:]] == [None, None] and all(r.score is None for r in rows[1:])
    # Weights put everything on one rate: the score is that rate; a rate without data leaves the others.
    only_promises = UnitEvaluationWeights(organization_id=w.org.pk, on_time=0, satisfaction=0, promises=100, grades=0)
    assert unit_records.score(first.figures, only_promises) == 50.0
    figures = dict(first.figures, promise_rate=None)
    assert unit_records.score(figures, only_promises) is None
    half = UnitEvaluationWeights(organization_id=w.org.pk, on_time=50, satisfaction=0, promises=50, grades=0)
    assert unit_records.score(dict(figures, on_time_rate=80.0), half) == 80.0


def test_equal_scores_share_a_rank():
    rows = [
        unit_records.Ranked(i, name, {}, score)
        for i, (name, score) in enumerate([("丁", None), ("乙", 80.0), ("甲", 90.0), ("戊", 70.0), ("丙", 80.0)])
    ]
    ordered = unit_records.ranked(rows)
    assert [(r.unit, r.rank) for r in ordered] == [("甲", 1), ("丙", 2), ("乙", 2), ("戊", 4), ("丁", None)]


def test_the_draft_says_the_units_figures_and_is_opened_once(year_of_work):
    w = year_of_work
    unit = w.units[0]
    with pytest.raises(PermissionDenied):
        unit_reports.unit_report_draft(actor=w.officers[1], unit=unit, year=YEAR)
    with pytest.raises(ValidationError):
        unit_reports.unit_report_draft(actor=w.officers[0], unit=unit, year=YEAR + 1)
    report = unit_reports.unit_report_draft(actor=w.officers[0], unit=unit, year=YEAR)
    again = unit_reports.unit_report_draft(actor=w.officers[0], unit=unit, year=YEAR)
    assert again.pk == report.pk and UnitReport.objects.count() == 1
    assert "主办2件、协办0件" in report.text
    assert "按期答复1件、逾期答复1件，按期答复率50%" in report.text
    assert "满意1人次、基本满意1人次、不满意1人次，满意率66.7%" in report.text
    assert "按期兑现1项、逾期兑现0项、正在落实0项、逾期未兑现1项" in report.text
    assert report.title == f"市住房局{YEAR}年度政协提案办理工作总结"


def test_submitted_once_edits_refused_after_then_returned_resubmitted_accepted_published(year_of_work):
    w = year_of_work
    officer, staff = w.officers[0], w.staff
    report = unit_reports.unit_report_draft(actor=officer, unit=w.units[0], year=YEAR)
    unit_reports.unit_report_save(actor=officer, report=report, title=report.title, text="一、办理时效。已改写。")
    unit_reports.unit_report_submit(actor=officer, report=report)
    report.refresh_from_db()
    assert report.status == "submitted" and report.figures["late"] == 1
    submitted_at = report.submitted_at
    notices = Notification.objects.filter(kind="proposal.unit_report").count()
    assert notices >= 1
    # A second submission (a double click, a second tab) does not act twice.
    with pytest.raises(InvalidEdge):
        unit_reports.unit_report_submit(actor=officer, report=UnitReport.objects.get(pk=report.pk))
    report.refresh_from_db()
    assert report.submitted_at == submitted_at
    assert Notification.objects.filter(kind="proposal.unit_report").count() == notices
    assert AuditEntry.objects.filter(action="proposal.unit_report_submit").count() == 1
    # Editing after submission is refused and leaves the text as it was.
    with pytest.raises(InvalidEdge):
        unit_reports.unit_report_save(actor=officer, report=report, title="新标题", text="新正文")
    report.refresh_from_db()
    assert report.text == "一、办理时效。已改写。" and report.title != "新标题"
    # Only the office reviews; a return needs its reason.
    with pytest.raises(PermissionDenied):
        unit_reports.unit_report_accept(actor=officer, report=report)
    with pytest.raises(ValidationError) as refused:
        unit_reports.unit_report_return(actor=staff, report=report, reason="  ")
    assert "reason" in refused.value.error_dict
    report.refresh_from_db()
    assert report.status == "submitted"
    unit_reports.unit_report_return(actor=staff, report=report, reason="请补充不满意件的重办情况。")
    report.refresh_from_db()
    assert report.status == "returned" and report.return_reason == "请补充不满意件的重办情况。"
    unit_reports.unit_report_save(actor=officer, report=report, title=report.title, text="补充了重办情况。")
    unit_reports.unit_report_submit(actor=officer, report=report)
    with pytest.raises(InvalidEdge):  # not published before it is accepted
        unit_reports.unit_report_publish(actor=staff, report=report)
    unit_reports.unit_report_accept(actor=staff, report=report)
    unit_reports.unit_report_publish(actor=staff, report=report)
    with pytest.raises(InvalidEdge):
        unit_reports.unit_report_publish(actor=staff, report=report)
    report.refresh_from_db()
    assert report.status == "published" and report.published_by == staff


def test_who_reads_a_report(year_of_work):
    w = year_of_work
    report = unit_reports.unit_report_draft(actor=w.officers[0], unit=w.units[0], year=YEAR)
    assert selectors.get_unit_report_for_user(w.leader, report.pk) == report
    assert selectors.get_unit_report_for_user(w.supervisor, report.pk) == report
    for outsider in (w.lead, w.officers[1]):
        with pytest.raises(PermissionDenied):
            selectors.get_unit_report_for_user(outsider, report.pk)
    assert list(selectors.unit_reports_for(w.lead, w.org, YEAR)) == []
    UnitReport.objects.filter(pk=report.pk).update(status="published")
    assert selectors.get_unit_report_for_user(w.lead, report.pk).pk == report.pk
    assert [r.pk for r in selectors.unit_reports_for(w.lead, w.org, YEAR)] == [report.pk]


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"on_time": -10, "satisfaction": 60, "promises": 40, "grades": 10}, "on_time", "权重不能为负数。"),
        (
            {"on_time": 30, "satisfaction": 40, "promises": 10, "grades": 10},
            "__all__",
            "各项权重之和应为 100，现在是 90。",
        ),
        (
            {"on_time": 30, "satisfaction": None, "promises": 60, "grades": 10},
            "satisfaction",
            "请填写 0 到 100 之间的整数。",
        ),
        ({"on_time": 130, "satisfaction": 0, "promises": 0, "grades": 0}, "on_time", "权重不能超过 100。"),
    ],
)
def test_bad_weights_are_refused_with_the_reason(world, values, field, message):
    with pytest.raises(ValidationError) as refused:
        unit_reports.evaluation_weights_save(actor=world.staff, organization=world.org, **values)
    assert message in refused.value.message_dict[field]
    assert not UnitEvaluationWeights.objects.exists()


def test_weights_are_the_offices_and_change_the_score(year_of_work):
    w = year_of_work
    with pytest.raises(PermissionDenied):
        unit_reports.evaluation_weights_save(
            actor=w.leader, organization=w.org, on_time=25, satisfaction=25, promises=25, grades=25
        )
    unit_reports.evaluation_weights_save(
        actor=w.staff, organization=w.org, on_time=0, satisfaction=100, promises=0, grades=0
    )
    assert unit_records.evaluation(w.org.pk, YEAR)[0].score == 66.7


# pages


def test_the_report_page_links_each_figure_to_its_records_and_downloads(client, year_of_work):
    w = year_of_work
    login(client, w.officers[0])
    response = client.post(reverse("proposals:unit_report_draft", args=[w.units[0].pk, YEAR]))
    report = UnitReport.objects.get()
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    html = client.get(report.get_absolute_url()).content.decode()
    late_url = reverse("proposals:unit_report_records", args=[report.pk, "late"])
    assert f'href="{late_url}"' in html
    # every count links to its records ("rated" included), the rates do not
    assert reverse("proposals:unit_report_records", args=[report.pk, "rated"]) in html
    assert reverse("proposals:unit_report_records", args=[report.pk, "lead"]) in html
    assert "records/on_time_rate/" not in html
    listing = client.get(late_url).content.decode()
    assert w.second.title in listing and w.first.title not in listing
    docx = client.get(reverse("proposals:unit_report_document", args=[report.pk, "docx"]))
    from docx import Document

    document = Document(io.BytesIO(docx.content))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "逾期答复" in cells and cells[cells.index("逾期答复") + 1] == "1"
    pdf = client.get(reverse("proposals:unit_report_document", args=[report.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # An officer of another unit may not read it, nor its records.
    login(client, w.officers[1])
    assert client.get(report.get_absolute_url()).status_code == 403
    assert client.get(late_url).status_code == 403


def test_an_edit_refused_keeps_what_was_typed(client, year_of_work):
    w = year_of_work
    report = unit_reports.unit_report_draft(actor=w.officers[0], unit=w.units[0], year=YEAR)
    login(client, w.officers[0])
    response = client.post(
        reverse("proposals:unit_report_save", args=[report.pk]), {"title": "", "text": "我写的正文", "submit": "1"}
    )
    assert response.status_code == 422
    assert "我写的正文" in response.content.decode()
    report.refresh_from_db()
    assert report.status == "draft" and report.text != "我写的正文"


def test_the_weights_page_keeps_what_was_typed_and_the_ranking_exports(client, year_of_work):
    w = year_of_work
    login(client, w.staff)
    url = reverse("proposals:unit_evaluation_weights")
    response = client.post(url, {"on_time": "-5", "satisfaction": "55", "promises": "40", "grades": "10"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "权重不能为负数。" in html and 'value="-5"' in html
    assert not UnitEvaluationWeights.objects.exists()
    response = client.post(url, {"on_time": "60", "satisfaction": "20", "promises": "10", "grades": "10"})
    assert response.status_code == 302
    assert UnitEvaluationWeights.objects.get().on_time == 60
    export = client.get(reverse("proposals:unit_evaluation_xlsx") + f"?year={YEAR}")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]
    # (60 × 50 + 20 × 66.7 + 10 × 50 + 10 × 100) / 100
    assert rows[0][:3] == [1, "市住房局", 58.3]
    login(client, w.lead)
    assert client.get(reverse("proposals:unit_evaluation")).status_code == 403
    login(client, w.leader)
    assert "市住房局" in client.get(reverse("proposals:unit_evaluation")).content.decode()


@pytest.mark.parametrize(("page", "pinned"), [("ranking", 9), ("reports", 5), ("records", 4)])
def test_the_lists_query_counts_do_not_grow_with_the_records(client, world, django_assert_num_queries, page, pinned):
    w = world
    make_proposal(w, title="关于第一件的建议", to="rated")
    report = unit_reports.unit_report_draft(actor=w.officers[0], unit=w.units[0], year=YEAR)
    url = {
        "ranking": reverse("proposals:unit_evaluation") + f"?year={YEAR}",
        "reports": reverse("proposals:unit_reports") + f"?year={YEAR}",
        "records": reverse("proposals:unit_report_records", args=[report.pk, "lead"]),
    }[page]
    login(client, w.staff)
    client.get(url)
    with django_assert_num_queries(pinned):
        client.get(url)
    for i in range(2):
        make_proposal(w, title=f"关于第{i + 2}件的建议", to="rated")
    unit_reports.unit_report_draft(actor=w.officers[1], unit=w.units[1], year=YEAR)
    client.get(url)
    with django_assert_num_queries(pinned):
        html = client.get(url).content.decode()
    if page == "records":
        assert "关于第3件的建议" in html


def test_an_officer_lists_his_units_report_and_the_others_published_ones(client, year_of_work):
    w = year_of_work
    own = unit_reports.unit_report_draft(actor=w.officers[1], unit=w.units[1], year=YEAR)
    other = unit_reports.unit_report_draft(actor=w.officers[0], unit=w.units[0], year=YEAR)
    login(client, w.officers[1])
    html = client.get(reverse("proposals:unit_reports") + f"?year={YEAR}").content.decode()
    assert own.get_absolute_url() in html and other.get_absolute_url() not in html
    UnitReport.objects.filter(pk=other.pk).update(status="published")
    html = client.get(reverse("proposals:unit_reports") + f"?year={YEAR}").content.decode()
    assert other.get_absolute_url() in html
    login(client, w.lead)
    html = client.get(reverse("proposals:unit_reports") + f"?year={YEAR}").content.decode()
    assert other.get_absolute_url() in html and own.get_absolute_url() not in html


def test_the_public_portal_shows_published_reports_only_with_contacts_masked(client, year_of_work):
    w = year_of_work
    report = unit_reports.unit_report_draft(actor=w.officers[0], unit=w.units[0], year=YEAR)
    unit_reports.unit_report_save(
        actor=w.officers[0], report=report, title=report.title, text="联系人王科长，电话 13912345678。"
    )
    index = reverse("proposals:public_unit_reports", args=[w.org.code])
    page = reverse("proposals:public_unit_report", args=[w.org.code, report.pk])
    assert report.title not in client.get(index).content.decode()
    assert client.get(page).status_code == 404
    unit_reports.unit_report_submit(actor=w.officers[0], report=report)
    unit_reports.unit_report_accept(actor=w.staff, report=report)
    assert client.get(page).status_code == 404  # accepted is not yet published
    unit_reports.unit_report_publish(actor=w.staff, report=report)
    assert report.title in client.get(index).content.decode()
    html = client.get(page).content.decode()
    assert "13912345678" not in html and "逾期答复" in html


def test_the_leaders_dashboard_draws_the_evaluation_of_units(year_of_work):
    """The ranking is a panel of the leaders' dashboard (core.figures.Ranking): scored units best first, each bar
    opening the ranking page of the year; units without a score are left out."""
    from datetime import date

    from xieshang.stats.dashboard import dashboard_data
    from xieshang.stats.selectors import Period

    w = year_of_work
    data = dashboard_data(w.org.pk, Period(date(YEAR, 1, 1), date(YEAR, 12, 31)))
    panel = next(p for p in data["panels"] if p.get("key") == "ranking-unit_evaluation")
    assert panel["kind"] == "breakdown" and panel["labels"] == [w.units[0].name] and panel["values"] == [61.7]
    assert panel["urls"] == [f"/proposals/evaluation/?year={YEAR}"]


def test_the_dashboards_ranking_is_read_by_those_who_may_read_the_ranking_page(year_of_work):
    """One definition of who reads the evaluation: the ranking page's permission also keeps the dashboard's panel
    from conference staff who may see the dashboard but not the ranking; the other panels are numbered again."""
    from datetime import date

    from tests.factories import make_user
    from xieshang.accounts.models import Role
    from xieshang.stats.dashboard import dashboard_data, for_reader
    from xieshang.stats.selectors import Period

    w = year_of_work
    committee = make_user(Role.COMMITTEE_STAFF, w.org, username="committee_reader")
    data = dashboard_data(w.org.pk, Period(date(YEAR, 1, 1), date(YEAR, 12, 31)))

    def keys(user):
        panels = for_reader(data, user, w.org)["panels"]
        assert [p["index"] for p in panels] == list(range(len(panels)))
        return [p.get("key") for p in panels]

    assert "ranking-unit_evaluation" in keys(w.leader)
    assert "ranking-unit_evaluation" not in keys(committee)
    assert len(keys(committee)) == len(keys(w.leader)) - 1
    assert any(p.get("key") == "ranking-unit_evaluation" for p in data["panels"])  # the cached board is untouched
