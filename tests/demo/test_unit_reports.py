"""The demo's units' annual handling reports and evaluation (decision 0030): every unit that handled proposals in the
report year has its report, in states from draft to published; the report year's promises are in every state; the
ranking spreads the units apart."""

import random

import pytest

from xieshang.demo import organization, proposals, unit_reports
from xieshang.demo.registry import DemoContext
from xieshang.demo.report import REPORT_YEAR
from xieshang.proposals import unit_records
from xieshang.proposals.models import UnitEvaluationWeights, UnitReport

pytestmark = pytest.mark.django_db


def test_the_demo_units_report_their_year_and_are_ranked():
    ctx = DemoContext(rng=random.Random(5))
    organization.build(ctx)
    proposals.build(ctx, scale=0.08)
    unit_reports.build(ctx)
    org = ctx.data["organization"]
    reports = UnitReport.objects.filter(organization=org, year=REPORT_YEAR)
    statuses = set(reports.values_list("status", flat=True))
    assert {"draft", "published", "submitted"} <= statuses
    busy = [u for u, f in unit_records.counts(org.pk, None, REPORT_YEAR).items() if f["lead"] + f["co"] + f["split"]]
    assert set(reports.values_list("unit_id", flat=True)) >= set(busy)
    published = reports.filter(status="published").first()
    assert published.figures["replied"] == unit_records.unit_figures(org.pk, published.unit_id, REPORT_YEAR)["replied"]
    assert "（请补充" not in published.text
    # the promises of the year in every state, counted from the outcomes
    total = {k: 0 for k in ("kept_on_time", "kept_late", "overdue")}
    rows = unit_records.evaluation(org.pk, REPORT_YEAR)
    for row in rows:
        for key in total:
            total[key] += row.figures[key]
    assert all(total.values()), total
    scores = [r.score for r in rows if r.score is not None]
    assert len(scores) >= 4 and max(scores) - min(scores) >= 10
    assert len({r.rank for r in rows if r.rank}) >= 4
    assert UnitEvaluationWeights.objects.get(organization=org).satisfaction == 40
    # the demo unit account finds its report sent back, with the reason, on its workbench
    demo_officer = ctx.data["accounts"]["unit"]
    mine = reports.get(unit__in=[u for user, u in ctx.data["unit_officers"] if user == demo_officer])
    assert mine.status == "returned" and mine.return_reason
    from xieshang.core.workbench import sections_for

    section = next(s for s in sections_for(demo_officer, org) if s.key == "proposals_unit_reports")
    assert mine.get_absolute_url() in [item.url for item in section.items]
