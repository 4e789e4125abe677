"""Statistics: each figure equals a direct count over the records; the Excel export carries the same tables."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.proposals.test_views_support import login, make_proposal
from xieshang.core.names import named
from xieshang.proposals import services
from xieshang.proposals.models import Assignment, Proposal, Rating, Reply
from xieshang.proposals.selectors import grounds_for
from xieshang.proposals.statistics import Period, page_statistics

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(world):
    w = world
    make_proposal(w, title="草稿不计", to="draft")
    make_proposal(w, title="待审查", to="under_review")
    rejected = make_proposal(w, title="不予立案", to="under_review", cosign=False)
    services.proposal_review(
        actor=w.staff, proposal=rejected, outcome="not_filed", ground=grounds_for(w.org).first(), reason="不属于范围"
    )
    make_proposal(w, title="已交办", to="assigned")
    make_proposal(w, title="已答复", to="replied")
    closed = make_proposal(w, title="已办结", to="closed")
    Reply.objects.filter(proposal=closed).update(on_time=False)
    return w


def test_each_figure_matches_a_direct_count(records):
    w = records
    stats = page_statistics(w.org, Period(year=timezone.localdate().year))
    submitted = [p for p in Proposal.objects.filter(organization=w.org) if p.submitted_at]
    assert stats["total"] == len(submitted) == 5
    tables = {t.key: {row[0]: row[1:] for row in t.rows} for t in stats["tables"]}
    outcome_labels = dict(Proposal.Outcome.choices)
    for key, label in outcome_labels.items():
        assert tables["outcome"][label][0] == sum(1 for p in submitted if p.outcome == key)
    assert stats["filed"] == sum(1 for p in submitted if p.outcome == "filed") == 3
    filed = [p for p in submitted if p.outcome == "filed"]
    for name, (n,) in tables["category"].items():
        assert n == sum(1 for p in filed if p.category and named(p.category.name) == name)
    sent = [r for r in Reply.objects.all() if r.status == "sent" and r.round == r.proposal.reply_round]
    for grade, label in Reply.Grade.choices:
        assert tables["grade"][label][0] == sum(1 for r in sent if r.grade == grade)
    first_round = [r for r in Reply.objects.all() if r.round == 1 and r.status != "superseded"]
    assert stats["replied"] == len(first_round) == 2
    assert stats["on_time"] == sum(1 for r in first_round if r.on_time) == 1
    assert stats["on_time_rate"] == 50.0
    for unit in w.units[:2]:
        row = tables["unit"][unit.name]
        counted = [
            a for a in Assignment.objects.filter(unit=unit) if a.assigned_at and a.status not in ("planned", "replaced")
        ]
        assert row[0] == sum(1 for a in counted if a.role in ("lead", "split"))
        assert row[1] == sum(1 for a in counted if a.role == "split")
        assert row[2] == sum(1 for a in counted if a.role == "co")
        assert row[3] == sum(1 for r in first_round if r.assignment.unit_id == unit.pk)
        assert row[4] == sum(1 for r in first_round if r.assignment.unit_id == unit.pk and r.on_time)
    ratings = list(Rating.objects.all())
    assert stats["rated"] == len(ratings) == 2
    content = sum(1 for r in ratings if r.satisfaction in ("satisfied", "basic"))
    assert stats["satisfaction_rate"] == round(100 * content / len(ratings), 1)


def test_page_and_excel_show_the_same_figures(client, records):
    from openpyxl import load_workbook

    w = records
    login(client, w.staff)
    html = client.get(reverse("proposals:stats")).content.decode()
    assert 'data-stat="total">5<' in html and 'id="stats-data"' in html and "echarts.min.js" in html
    response = client.get(reverse("proposals:stats_xlsx"))
    book = load_workbook(io.BytesIO(response.content))
    summary = {row[0]: row[1] for row in book["概况"].iter_rows(min_row=2, values_only=True)}
    assert summary["提交提案（件）"] == 5 and summary["按期答复率（%）"] == 50.0
    assert len(book.sheetnames) == 6


def test_period_and_kind_choose_what_counts(records):
    from datetime import timedelta

    w = records
    micro = services.proposal_create(
        actor=w.lead, organization=w.org, kind=Proposal.Kind.MICRO, title="微提案", body="路灯不亮，建议维修。"
    )
    services.proposal_submit(actor=w.lead, proposal=micro)
    old = make_proposal(w, title="去年提交", to="under_review", cosign=False)
    Proposal.objects.filter(pk=old.pk).update(submitted_at=timezone.now() - timedelta(days=400))
    year = timezone.localdate().year
    submitted = [p for p in Proposal.objects.filter(organization=w.org) if p.submitted_at]

    def count(kind=None, this_year=True):
        return sum(
            1
            for p in submitted
            if (kind is None or p.kind == kind) and (not this_year or timezone.localtime(p.submitted_at).year == year)
        )

    assert page_statistics(w.org, Period(year=year))["total"] == count("proposal") == 5
    assert page_statistics(w.org, Period(year=year, kind="micro"))["total"] == count("micro") == 1
    assert page_statistics(w.org, Period(year=year, kind="all"))["total"] == count() == 6
    assert page_statistics(w.org, Period(year=None, kind="all"))["total"] == count(this_year=False) == 7
    last_year = timezone.localdate() - timedelta(days=400)
    dates = Period(start=last_year, end=last_year)
    assert page_statistics(w.org, dates)["total"] == 1
    assert page_statistics(w.org, dates)["replied"] == 0


def test_page_filters_by_dates(client, records):
    w = records
    login(client, w.staff)
    today = timezone.localdate().isoformat()
    html = client.get(reverse("proposals:stats"), {"start": today, "end": today, "kind": "all"}).content.decode()
    assert 'data-stat="total">5<' in html
    bad = client.get(reverse("proposals:stats"), {"start": today, "end": "2000-01-01"})
    assert bad.status_code == 422
