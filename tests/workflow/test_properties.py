"""Random sequences of transitions by random people never break the workflow's invariants."""

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from tests.workflow.conftest import new_ticket
from tests.workflow.testapp.models import Ticket
from xieshang.workflow import services
from xieshang.workflow.selectors import available_transitions, events_for

pytestmark = pytest.mark.django_db

ACTORS = ["submitter", "member", "staff", "supervisor", "officer", "co1", "co2", "outsider"]
KEYS = ["submit", "withdraw", "accept", "reject", "reply", "close", "reopen", "nonsense"]


def test_random_walks_keep_state_and_event_chain_consistent(org, people):
    class TicketMachine(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.ticket = new_ticket(org, people)
            self.state_ids = set(self.ticket.workflow.states.values_list("pk", flat=True))
            self.accepted = 0

        @rule(
            actor=st.sampled_from(ACTORS),
            key=st.sampled_from(KEYS),
            reason=st.sampled_from(["", "理由"]),
            grade=st.sampled_from([None, "A", "Z"]),
        )
        def act(self, actor, key, reason, grade):
            before = Ticket.objects.get(pk=self.ticket.pk)
            offered = {a.key: a.allowed for a in available_transitions(people[actor], before)}
            count = events_for(self.ticket).count()
            payload = {"grade": grade} if grade else None
            try:
                event = services.transition(
                    actor=people[actor], obj=self.ticket, transition_key=key, payload=payload, reason=reason
                )
            except services.TransitionError:
                after = Ticket.objects.get(pk=self.ticket.pk)
                assert (after.state_id, after.due_on, after.state_entered_at) == (
                    before.state_id,
                    before.due_on,
                    before.state_entered_at,
                )
                assert events_for(self.ticket).count() == count
            else:
                # Whatever succeeded was offered as allowed (payload and reason are form fields, not gates).
                assert offered.get(key) is True
                assert event.from_state_id == before.state_id
                assert events_for(self.ticket).count() == count + 1
                self.accepted += 1

        @rule(who=st.sampled_from(["co1", "co2"]))
        def countersign(self, who):
            self.ticket.signed_by.add(people[who])

        @rule()
        def stale_copy_conflicts(self):
            stale = Ticket.objects.get(pk=self.ticket.pk)
            stale.state_id = next(iter(self.state_ids - {stale.state_id}))
            with pytest.raises(services.Conflict):
                services.transition(actor=people["staff"], obj=stale, transition_key="accept")

        @invariant()
        def state_belongs_to_the_workflow_and_events_chain(self):
            row = Ticket.objects.get(pk=self.ticket.pk)
            assert row.state_id in self.state_ids
            assert row.state_id == self.ticket.state_id
            chain = list(events_for(self.ticket))
            assert chain[0].kind == "start" and chain[0].from_state_id is None
            for previous, event in zip(chain, chain[1:], strict=False):
                assert event.from_state_id == previous.to_state_id
                assert event.at >= previous.at
            assert chain[-1].to_state_id == row.state_id
            transitions = [e for e in chain if e.kind == "transition"]
            assert len(transitions) == self.accepted
            for event in transitions:
                # Every recorded move is an edge of the workflow.
                assert event.transition.sources.filter(pk=event.from_state_id).exists()
                assert event.transition.target_id == event.to_state_id

    run_state_machine_as_test(
        TicketMachine,
        settings=settings(
            max_examples=25,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )
