"""Two people act on the same object at the same moment: one wins, the other is told, nothing is half-written.

Needs PostgreSQL (row locks); SQLite serializes whole transactions and cannot show the race."""

import threading
import time

import pytest
from django.db import connection, connections

from tests.workflow.conftest import make_org, make_user, new_ticket
from tests.workflow.testapp.models import Ticket
from xieshang.accounts.models import Role
from xieshang.workflow import registry, services
from xieshang.workflow.selectors import events_for

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL (DATABASE_URL=postgres://…)"
    ),
]


@pytest.fixture
def setup():
    org = make_org("wfrace", "并发市政协")
    people = {
        "submitter": make_user(org, Role.MEMBER),
        "staff": make_user(org, Role.PROPOSALS_STAFF),
        "staff2": make_user(org, Role.PROPOSALS_STAFF),
        "co1": make_user(org, Role.UNIT_OFFICER),
        "co2": make_user(org, Role.UNIT_OFFICER),
    }
    ticket = new_ticket(org, people)
    services.transition(actor=people["submitter"], obj=ticket, transition_key="submit")
    return ticket, people


def race(ticket, calls):
    """Run each (actor, key, reason) in its own thread and connection, each on its own copy loaded beforehand."""
    copies = [Ticket.objects.get(pk=ticket.pk) for _ in calls]
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def worker(i, actor, key, reason):
        try:
            barrier.wait()
            results[i] = services.transition(actor=actor, obj=copies[i], transition_key=key, reason=reason)
        except Exception as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, *call)) for i, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def check_one_winner(ticket, results, before_events):
    winners = [r for r in results if not isinstance(r, Exception)]
    losers = [r for r in results if isinstance(r, Exception)]
    assert len(winners) == 1, results
    assert all(isinstance(r, services.Conflict) for r in losers), results
    assert all("已被他人处理" in r.message for r in losers)
    row = Ticket.objects.get(pk=ticket.pk)
    assert row.state_id == winners[0].to_state_id
    chain = list(events_for(ticket))
    assert len(chain) == before_events + 1
    assert chain[-1].pk == winners[0].pk


def test_accept_and_reject_at_once(setup):
    ticket, people = setup
    before = events_for(ticket).count()
    results = race(ticket, [(people["staff"], "accept", ""), (people["staff2"], "reject", "重复提交")])
    check_one_winner(ticket, results, before)


def test_the_second_waits_for_the_lock_and_then_sees_the_new_state(setup):
    """The first holds the row lock while a slow hook runs; the second blocks, then sees the committed state."""
    ticket, people = setup
    locked = threading.Event()

    def slow(obj, event, payload):
        locked.set()
        time.sleep(0.5)

    registry.register_hook("ticket", "accept", slow)
    try:
        copies = [Ticket.objects.get(pk=ticket.pk) for _ in range(2)]
        results = {}

        def first():
            try:
                results["first"] = services.transition(actor=people["staff"], obj=copies[0], transition_key="accept")
            finally:
                connections.close_all()

        def second():
            locked.wait(10)
            try:
                services.transition(actor=people["submitter"], obj=copies[1], transition_key="withdraw")
            except services.TransitionError as exc:
                results["second"] = exc
            finally:
                connections.close_all()

        threads = [threading.Thread(target=first), threading.Thread(target=second)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    finally:
        registry.unregister_hook("ticket", "accept", slow)
    assert results["first"].to_state.key == "handling"
    assert isinstance(results["second"], services.Conflict)
    assert "办理中" in results["second"].message
    assert Ticket.objects.get(pk=ticket.pk).state.key == "handling"
