"""Statistics: each figure equals a direct count over the records; the Excel export carries the same tables."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.proposals.test_views_support import login, make_proposal
from xieshang.proposals import services
from xieshang.proposals.models import Assignment, Proposal, Rating, Reply
from xieshang.proposals.selectors import grounds_for
from xieshang.proposals.stats import Period, proposal_statistics

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
    stats = proposal_statistics(w.org, Period(year=timezone.localdate().year))
    submitted = [p for p in Proposal.objects.filter(organization=w.org) if p.submitted_at]
    assert stats["total"] == len(submitted) == 5
    tables = {t.key: {row[0]: row[1:] for row in t.rows} for t in stats["tables"]}
    outcome_labels = dict(Proposal.Outcome.choices)
    for key, label in outcome_labels.items():
        assert tables["outcome"][label][0] == sum(1 for p in submitted if p.outcome == key)
    assert stats["filed"] == sum(1 for p in submitted if p.outcome == "filed") == 3
    filed = [p for p in submitted if p.outcome == "filed"]
    for name, (n,) in tables["category"].items():
        assert n == sum(1 for p in filed if p.category and p.category.name == name)
    sent = [r for r in Reply.objects.all() if r.status == "sent"]
    assert stats["replied"] == len(sent) == 2
    for grade, label in Reply.Grade.choices:
        assert tables["grade"][label][0] == sum(1 for r in sent if r.grade == grade)
    assert stats["on_time"] == sum(1 for r in sent if r.on_time) == 1
    assert stats["on_time_rate"] == 50.0
    for unit in w.units[:2]:
        row = tables["unit"][unit.name]
        active = [a for a in Assignment.objects.filter(unit=unit) if a.status in ("pending", "received")]
        assert row[0] == sum(1 for a in active if a.role == "lead")
        assert row[1] == sum(1 for a in active if a.role == "co")
        assert row[3] == sum(1 for r in sent if r.assignment.unit_id == unit.pk)
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
