"""Property: random sequences of actions by random actors never leave a proposal in a state its workflow does not
have, never skip an event row, and a refused action changes nothing."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xieshang.proposals import services
from xieshang.proposals.models import Proposal
from xieshang.proposals.selectors import categories_for, grounds_for
from xieshang.workflow.exceptions import TransitionError
from xieshang.workflow.models import State
from xieshang.workflow.selectors import events_for

from .factories import make_proposal, reply

pytestmark = pytest.mark.django_db

ACTORS = ["lead", "co1", "outsider", "staff", "officer0", "officer1", "officer2", "supervisor", "leader"]


def _actor(w, name):
    if name.startswith("officer"):
        return w.officers[int(name[-1])]
    return getattr(w, name)


def _first(qs):
    return qs.select_related("unit").first()


# action name → (natural actor, fn(w, p, actor))
ACTIONS = {
    "sign": ("co1", lambda w, p, a: services.cosign_sign(actor=a, proposal=p)),
    "submit": ("lead", lambda w, p, a: services.proposal_submit(actor=a, proposal=p)),
    "withdraw": ("lead", lambda w, p, a: services.proposal_transition(actor=a, proposal=p, key="withdraw")),
    "pre_accept": ("staff", lambda w, p, a: services.proposal_transition(actor=a, proposal=p, key="pre_accept")),
    "revise": (
        "staff",
        lambda w, p, a: services.proposal_transition(actor=a, proposal=p, key="return_for_revision", reason="请补充"),
    ),
    "start_review": ("staff", lambda w, p, a: services.proposal_transition(actor=a, proposal=p, key="start_review")),
    "file": ("staff", lambda w, p, a: services.proposal_review(actor=a, proposal=p, outcome="filed")),
    "not_file": (
        "staff",
        lambda w, p, a: services.proposal_review(
            actor=a, proposal=p, outcome="not_filed", ground=grounds_for(w.org).first(), reason="不符合"
        ),
    ),
    "classify": (
        "staff",
        lambda w, p, a: services.proposal_classify(actor=a, proposal=p, category=categories_for(w.org).last()),
    ),
    "number": ("staff", lambda w, p, a: services.proposal_number(actor=a, proposal=p)),
    "plan": (
        "staff",
        lambda w, p, a: services.assignment_plan(actor=a, proposal=p, lead=w.units[0], co=[w.units[1]]),
    ),
    "propose": ("staff", lambda w, p, a: services.assignment_propose(actor=a, proposal=p)),
    "approve_plan": ("leader", lambda w, p, a: services.assignment_approve(actor=a, proposal=p)),
    "assign": ("staff", lambda w, p, a: services.proposal_assign(actor=a, proposal=p)),
    "receive": (
        "officer0",
        lambda w, p, a: services.assignment_receive(actor=a, assignment=_first(p.assignments.filter(status="pending"))),
    ),
    "receive_co": (
        "officer1",
        lambda w, p, a: services.assignment_receive(
            actor=a, assignment=_first(p.assignments.filter(status="pending", role="co"))
        ),
    ),
    "unit_return": (
        "officer0",
        lambda w, p, a: services.assignment_return(
            actor=a, assignment=_first(p.assignments.filter(role="lead").exclude(status="replaced")), reason="非我职责"
        ),
    ),
    "refuse_return": (
        "staff",
        lambda w, p, a: services.return_refuse(
            actor=a, assignment=_first(p.assignments.filter(status="returned")), reason="应由你单位办"
        ),
    ),
    "reply": ("officer0", lambda w, p, a: reply(w, p, grade="B") if a == w.officers[0] else None),
    "countersign": ("officer1", lambda w, p, a: services.reply_countersign(actor=a, proposal=p)),
    "approve_reply": ("supervisor", lambda w, p, a: services.reply_approve(actor=a, proposal=p, grade="A")),
    "send_back": ("supervisor", lambda w, p, a: services.reply_send_back(actor=a, proposal=p, reason="不具体")),
    "rate_ok": ("lead", lambda w, p, a: services.rating_submit(actor=a, proposal=p, satisfaction="satisfied")),
    "rate_bad": (
        "lead",
        lambda w, p, a: services.rating_submit(actor=a, proposal=p, satisfaction="dissatisfied", comment="未解决"),
    ),
    "contact": ("officer0", lambda w, p, a: services.rehandle_contact(actor=a, proposal=p, note="再沟通")),
    "confirm": ("staff", lambda w, p, a: services.proposal_confirm(actor=a, proposal=p)),
    "close": ("staff", lambda w, p, a: services.proposal_close(actor=a, proposal=p)),
    # writes beside the workflow, allowed only where the state's flags say so
    "edit": ("lead", lambda w, p, a: services.proposal_update(actor=a, proposal=p, title="修改后的案由")),
    "comment": ("lead", lambda w, p, a: services.comment_add(actor=a, proposal=p, text="留言")),
}
# action → the state flag it needs (workflow State.allows)
NEEDS_FLAG = {"edit": "edit", "comment": "comment", "sign": "cosign", "rate_ok": "rate", "rate_bad": "rate"}
REFUSALS = (TransitionError, ValidationError, PermissionDenied, AttributeError)

PATH = [
    "sign", "submit", "pre_accept", "start_review", "file", "classify", "number", "plan", "propose", "approve_plan",
    "assign", "receive", "receive_co", "reply", "countersign", "approve_reply", "rate_bad", "contact", "reply",
    "countersign", "approve_reply", "rate_ok", "confirm", "close",
]  # fmt: skip
anyone = st.one_of(st.none(), st.none(), st.sampled_from(ACTORS))
# Fully random sequences, and the main path with steps dropped, repeated or taken by the wrong person, so that deep
# states are reached as well.
steps = st.one_of(
    st.lists(st.tuples(st.sampled_from(sorted(ACTIONS)), anyone), min_size=5, max_size=40),
    st.lists(st.tuples(st.sampled_from(PATH), anyone), min_size=5, max_size=40).map(
        lambda xs: sorted(xs, key=lambda x: PATH.index(x[0]))
    ),
    st.lists(st.booleans(), min_size=len(PATH), max_size=len(PATH)).flatmap(
        lambda keep: st.tuples(*[anyone for _ in PATH]).map(
            lambda who: [(name, w) for name, k, w in zip(PATH, keep, who, strict=True) if k or name == "submit"]
        )
    ),
)


def _trail(p):
    events = list(events_for(p))
    return [(e.from_state_id, e.to_state_id) for e in events]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=steps)
def test_random_actions_keep_the_proposal_consistent(world, sequence):
    w = world
    p = make_proposal(w, cosigners=[w.co1])
    states = set(State.objects.filter(workflow_id=p.workflow_id).values_list("pk", flat=True))
    for name, who in sequence:
        natural, fn = ACTIONS[name]
        actor = _actor(w, who or natural)
        before = Proposal.objects.get(pk=p.pk)
        trail_before = _trail(p)
        try:
            fn(w, p, actor)
        except REFUSALS:
            # refused: nothing about the proposal's workflow changed
            after = Proposal.objects.get(pk=p.pk)
            assert (after.state_id, after.number, after.outcome) == (before.state_id, before.number, before.outcome)
            assert _trail(p) == trail_before
            continue
        after = Proposal.objects.get(pk=p.pk)
        assert after.state_id in states
        if name in NEEDS_FLAG:  # it succeeded, so the state it was taken in allows it
            assert (before.state.allows or {}).get(NEEDS_FLAG[name]), (name, before.state.key)
        trail = _trail(p)
        assert trail[: len(trail_before)] == trail_before  # append-only
        if after.state_id != before.state_id:
            assert len(trail) > len(trail_before)
    # the trail is one unbroken chain that ends in the current state
    trail = _trail(p)
    assert trail[0][0] is None
    for (_, to), (frm, _) in zip(trail, trail[1:], strict=False):
        assert frm == to
    assert trail[-1][1] == Proposal.objects.get(pk=p.pk).state_id
