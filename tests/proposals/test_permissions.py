"""Role × state × action: who may take which transition in each state (the engine's check from the workflow data
and the relational roles proposals registers), and the django-rules permissions around them."""

import pytest
import rules

from xieshang.workflow.selectors import available_transitions

from .factories import advance, make_proposal

pytestmark = pytest.mark.django_db

ACTORS = ("lead", "cosigner", "outsider", "staff", "lead_unit", "co_unit", "other_unit", "supervisor", "leader")

# state → {transition: actors who hold a role for it}
TABLE = {
    "draft": {"submit": {"lead"}, "withdraw": {"lead"}},
    "submitted": {"withdraw": {"lead"}, "pre_accept": {"staff"}, "return_for_revision": {"staff"}},
    "under_review": {"file": {"staff"}, "merge": {"staff"}, "convert": {"staff"}, "not_file": {"staff"}},
    "numbered": {"propose_assignment": {"staff"}},
    "assignment_pending": {"approve_assignment": {"leader"}, "reject_assignment": {"leader"}},
    "assignment_approved": {"assign": {"staff"}, "propose_assignment": {"staff"}},
    "assigned": {"start_handling": {"lead_unit", "co_unit", "staff"}, "unit_return": {"lead_unit", "co_unit"}},
    "handling": {"reply": {"lead_unit"}},
    "countersigning": {"submit_for_review": {"lead_unit", "co_unit"}},
    "supervisor_review": {"approve_reply": {"supervisor"}, "send_back": {"supervisor"}},
    "replied": {"finish_rating": {"lead", "cosigner", "staff"}, "rehandle": {"lead", "cosigner", "staff"}},
    "rated": {"confirm": {"staff"}},
    "confirmed": {"close": {"staff"}},
    "closed": {"archive": {"staff"}},
}


def _actors(w):
    from .conftest import officer

    return {
        "lead": w.lead,
        "cosigner": w.co1,
        "outsider": w.outsider,
        "staff": w.staff,
        "lead_unit": w.officers[0],
        "co_unit": w.officers[1],
        "other_unit": w.officers[2],
        "supervisor": w.supervisor,
        "leader": w.leader,
        "second_officer": officer(w.org, w.units[0], name="住房局第二经办人"),
    }


@pytest.mark.parametrize("state", list(TABLE))
def test_who_may_take_each_transition(world, state):
    p = advance(world, make_proposal(world, cosigners=[world.co1]), state)
    actors = _actors(world)
    expected = TABLE[state]
    offered = None
    for name in ACTORS:
        available = available_transitions(actors[name], p)
        offered = offered or {a.key for a in available}
        permitted = {a.key for a in available if a.permitted}
        assert permitted == {key for key, who in expected.items() if name in who}, (state, name, permitted)
    assert offered == set(expected), (state, offered)
    # any officer of the lead unit acts for it, not only the one who signed for it
    second = {a.key for a in available_transitions(actors["second_officer"], p) if a.permitted}
    assert second == {key for key, who in expected.items() if "lead_unit" in who}


@pytest.mark.parametrize(
    "perm,state,allowed",
    [
        ("proposals.change_proposal", "draft", {"lead"}),
        ("proposals.change_proposal", "submitted", set()),
        ("proposals.invite_cosigners", "submitted", {"lead"}),
        ("proposals.invite_cosigners", "under_review", set()),
        ("proposals.cosign_proposal", "draft", {"cosigner"}),
        ("proposals.manage_proposal", "filed", {"staff"}),
        ("proposals.assign_proposal", "numbered", {"staff"}),
        ("proposals.handle_assignment", "assigned", {"lead_unit", "co_unit"}),
        ("proposals.rate_proposal", "replied", {"lead", "cosigner"}),
        ("proposals.rate_proposal", "rated", set()),
        ("proposals.enter_paper_rating", "replied", {"staff"}),
        (
            "proposals.view_proposal",
            "handling",
            {"lead", "cosigner", "staff", "lead_unit", "co_unit", "supervisor", "leader"},
        ),
        ("proposals.view_proposal", "numbered", {"lead", "cosigner", "staff", "supervisor", "leader"}),
        ("proposals.publish_reply", "replied", {"staff"}),
        ("proposals.view_statistics", "draft", {"staff", "supervisor", "leader"}),
    ],
)
def test_rules_table(world, perm, state, allowed):
    p = make_proposal(world, cosigners=[world.co1])
    if state != "draft":
        advance(world, p, state)
    actors = _actors(world)
    got = {name for name in ACTORS if rules.has_perm(perm, actors[name], p)}
    assert got == allowed, (perm, state, got)
