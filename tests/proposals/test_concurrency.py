"""Two officers act on the same proposal at the same moment: one succeeds, the other is told why, nothing is
half-written. Needs PostgreSQL (row locks); SQLite serializes whole transactions and cannot show the race."""

import threading

import pytest
from django.db import connection, connections

from xieshang.proposals import services
from xieshang.proposals.models import Assignment, Proposal
from xieshang.proposals.selectors import grounds_for
from xieshang.workflow.exceptions import TransitionError
from xieshang.workflow.selectors import events_for

from .factories import advance, make_proposal

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL (DATABASE_URL=postgres://…)"
    ),
]


def race(*calls):
    """Run each callable in its own thread and database connection, released together."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def worker(i, fn):
        try:
            barrier.wait()
            results[i] = fn()
        except Exception as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, fn)) for i, fn in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_two_staff_decide_the_review_at_once(world):
    p = advance(world, make_proposal(world), "under_review")
    before = events_for(p).count()
    a, b = Proposal.objects.get(pk=p.pk), Proposal.objects.get(pk=p.pk)
    ground = grounds_for(world.org).first()
    results = race(
        lambda: services.proposal_review(actor=world.staff, proposal=a, outcome="filed"),
        lambda: services.proposal_review(
            actor=world.staff2, proposal=b, outcome="not_filed", ground=ground, reason="不属于履职范围"
        ),
    )
    winners = [r for r in results if not isinstance(r, Exception)]
    losers = [r for r in results if isinstance(r, Exception)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert isinstance(losers[0], TransitionError) and "已被他人处理" in str(losers[0])
    row = Proposal.objects.get(pk=p.pk)
    assert row.state_id == winners[0].to_state_id
    assert row.outcome == ("filed" if row.state.key == "filed" else "not_filed")
    assert (row.not_filed_ground_id is None) == (row.state.key == "filed")
    assert events_for(p).count() == before + 1


def test_two_officers_receive_and_return_the_same_assignment(world):
    from .conftest import officer

    second = officer(world.org, world.units[0], name="住房局另一经办人")
    p = advance(world, make_proposal(world), "assigned", co=False)
    lead = p.assignments.get()
    a1, a2 = Assignment.objects.get(pk=lead.pk), Assignment.objects.get(pk=lead.pk)
    before = events_for(p).count()
    results = race(
        lambda: services.assignment_receive(actor=world.officers[0], assignment=a1),
        lambda: services.assignment_return(actor=second, assignment=a2, reason="职责不符"),
    )
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1, results
    assert isinstance(errors[0], TransitionError) and str(errors[0])
    row = Proposal.objects.get(pk=p.pk)
    lead.refresh_from_db()
    if row.state.key == "handling":
        assert lead.status == "received" and not lead.return_reason
    else:
        assert row.state.key == "returned" and lead.status == "returned" and lead.received_at is None
    assert events_for(p).count() == before + 1


def test_lead_and_co_handler_receive_at_once(world):
    p = advance(world, make_proposal(world), "assigned")
    lead, co = p.assignments.get(role="lead"), p.assignments.get(role="co")
    results = race(
        lambda: services.assignment_receive(actor=world.officers[0], assignment=lead),
        lambda: services.assignment_receive(actor=world.officers[1], assignment=co),
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    row = Proposal.objects.get(pk=p.pk)
    assert row.state.key == "handling"
    assert [e.transition.key for e in events_for(p) if e.transition_id].count("start_handling") == 1


def test_concurrent_numbering_never_duplicates(world):
    proposals = [advance(world, make_proposal(world, title=f"提案{i}"), "classified") for i in range(4)]
    staff = [world.staff, world.staff2, world.staff, world.staff2]
    results = race(
        *[
            (lambda p=p, s=s: services.proposal_number(actor=s, proposal=Proposal.objects.get(pk=p.pk)))
            for p, s in zip(proposals, staff, strict=True)
        ]
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    numbers = list(Proposal.objects.filter(pk__in=[p.pk for p in proposals]).values_list("seq", flat=True))
    assert sorted(numbers) == [1, 2, 3, 4]
