"""The demo builder on a small scale: proposals in many states, real histories, work waiting for every role."""

import random

import pytest
from django.db.models import Count

from xieshang.core.workbench import sections_for
from xieshang.demo import organization, proposals
from xieshang.demo.registry import DemoContext
from xieshang.proposals.models import Proposal
from xieshang.workflow.models import WorkflowEvent
from xieshang.workflow.selectors import events_for

pytestmark = pytest.mark.django_db


def test_small_demo_runs_through_the_services(monkeypatch):
    ctx = DemoContext(rng=random.Random(3))
    organization.build(ctx)
    proposals.build(ctx, scale=0.06)
    org = ctx.data["organization"]
    states = set(Proposal.objects.filter(organization=org).values_list("state__key", flat=True))
    assert {"draft", "under_review", "handling", "replied", "archived", "not_filed"} <= states
    # every proposal has a history that starts with its creation and ends in its state
    for p in Proposal.objects.filter(organization=org).annotate(n=Count("id")):
        events = list(events_for(p).order_by("at", "id"))
        assert events[0].kind == "start" and events[-1].to_state_id == p.state_id
    numbers = list(Proposal.objects.exclude(number="").values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) > 0
    # history spans the year, not one afternoon
    days = {e.at.date() for e in WorkflowEvent.objects.all()}
    assert len(days) > 20
    # this year's chairpersons' meeting chose two key proposals, under supervision with a plan and an instruction
    from xieshang.instructions.models import Instruction
    from xieshang.proposals.models import KeyMeeting, KeyMilestone

    assert KeyMeeting.objects.filter(published_at__isnull=False, candidates__status="not_chosen").exists()
    chosen = Proposal.objects.filter(key_candidacies__status="chosen", key_published_at__isnull=False)
    assert chosen.count() == 2
    assert KeyMilestone.objects.filter(proposal__in=chosen).count() == 4
    assert Instruction.objects.filter(proposal__in=chosen).count() == 2
    # decision 0031: a unit's candidate, supervision meetings (one held with minutes and a recommendation, one to
    # come), the leader's assessment, and the year's summary shows them
    from xieshang.consultations.models import Consultation
    from xieshang.proposals.key_summary import key_summary
    from xieshang.proposals.models import KeyAssessment, KeyCandidate

    assert KeyCandidate.objects.filter(proposer_unit__isnull=False).exists()
    meetings = Consultation.objects.filter(kind="handling")
    assert meetings.count() == 2 and meetings.exclude(minutes="").count() == 1
    assert meetings.get(minutes__gt="").outcomes.count() == 1
    assert meetings.get(minutes__gt="").invitations.filter(checked_in_at__isnull=False).exists()
    assert KeyAssessment.objects.filter(proposal__in=chosen).count() == 1
    summary = key_summary(org, chosen.first().year)
    rows = [r for r in summary.rows if r.proposal in chosen]
    assert len(rows) == 2 and all(r.meetings for r in rows) and any(r.assessments for r in rows)
    for username in ("member", "proposals", "unit", "supervisor", "leader"):
        user = ctx.data["accounts"][username]
        sections = [s for s in sections_for(user, org) if s.key.startswith("proposals")]
        assert sections and any(s.count for s in sections), username
