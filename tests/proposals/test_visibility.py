"""Who may see a proposal is written once (proposals/visibility.py) and read three ways: the list filter
(selectors.visible_proposals), the permission (rules "proposals.view_proposal") and the search readers
(search_wiring.proposal_document). Property: for a random actor, state and relation the three agree, and agree
with the spec's own reading."""

from types import SimpleNamespace

import pytest
import rules
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.proposals.test_views_support import login
from xieshang.accounts.selectors import roles_by_organization
from xieshang.accounts.visibility import agree, officer_unit_ids
from xieshang.proposals import selectors, services
from xieshang.proposals.models import Assignment, CoSignature, Proposal
from xieshang.proposals.search_wiring import proposal_document
from xieshang.proposals.visibility import PROPOSAL
from xieshang.proposals.workflows import PROPOSAL_WORKFLOW
from xieshang.workflow.models import State

from .factories import advance, make_proposal
from .test_api import _get

pytestmark = pytest.mark.django_db

STATES = [s["key"] for s in PROPOSAL_WORKFLOW["states"]]
ACTORS = ("member", "cosigner", "staff", "supervisor", "leader", "officer", "other_officer")
RELATIONS = (
    "none",
    "submitter",
    "entered_by",
    *(f"cosigner:{s}" for s in CoSignature.Status.values),
    *(f"unit:{s}" for s in Assignment.Status.values),
)


def _actor(w, name):
    return {
        "member": w.outsider,
        "cosigner": w.co2,
        "staff": w.staff2,
        "supervisor": w.supervisor,
        "leader": w.leader,
        "officer": w.officers[0],
        "other_officer": w.officers[2],
    }[name]


def _fresh(user):
    """The user without the per-request caches (roles, units) of an earlier example."""
    return type(user).objects.get(pk=user.pk)


def _arrange(w, p, state_key: str, actor, relation: str):
    """Put the proposal in the state with exactly one relation to the actor (written directly: the property is
    about reading, not about which paths lead there)."""
    state = State.objects.get(workflow_id=p.workflow_id, key=state_key)
    fields = {"state": state, "submitter": w.lead, "entered_by": None}
    if relation == "submitter":
        fields["submitter"] = actor
    elif relation == "entered_by":
        fields["entered_by"] = actor
    Proposal.objects.filter(pk=p.pk).update(**fields)
    CoSignature.objects.filter(proposal_id=p.pk).delete()
    Assignment.objects.filter(proposal_id=p.pk).delete()
    kind, _, status = relation.partition(":")
    if kind == "cosigner":
        CoSignature.objects.create(proposal_id=p.pk, user=actor, status=status)
    elif kind == "unit":
        # the unit of the actor when the actor is an officer, else the first unit (a relation the actor lacks)
        mine = officer_unit_ids(actor, w.org.pk)
        unit = next((u for u in w.units if u.pk in mine), w.units[0])
        Assignment.objects.create(proposal_id=p.pk, unit=unit, status=status)
    return Proposal.objects.select_related("state", "workflow", "category", "organization").get(pk=p.pk)


def _search_allows(user, doc) -> bool:
    held = roles_by_organization(user).get(doc.organization_id, set())
    return (
        user.pk in doc.viewer_user_ids
        or bool(set(doc.viewer_roles) & held)
        or bool(set(doc.viewer_unit_ids) & officer_unit_ids(user, doc.organization_id))
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(state=st.sampled_from(STATES), actor_name=st.sampled_from(ACTORS), relation=st.sampled_from(RELATIONS))
def test_list_permission_and_search_agree(world, state, actor_name, relation):
    w = world
    if not hasattr(w, "probe"):
        w.probe = make_proposal(w, title="可见性探针")
    actor = _fresh(_actor(w, actor_name))
    p = _arrange(w, w.probe, state, actor, relation)
    in_list = selectors.visible_proposals(actor, w.org).filter(pk=p.pk).exists()
    allowed = rules.has_perm("proposals.view_proposal", _fresh(actor), p)
    by_search = _search_allows(_fresh(actor), proposal_document(p))
    spec = agree(PROPOSAL, _fresh(actor), p, Proposal.objects.all())
    assert in_list == allowed == by_search, (state, actor_name, relation, in_list, allowed, by_search)
    assert spec == (in_list, in_list, in_list), (state, actor_name, relation, spec)


@pytest.mark.parametrize(
    ("state", "actor_name", "relation", "sees"),
    [
        ("draft", "cosigner", "cosigner:invited", True),
        ("draft", "cosigner", "cosigner:withdrawn", False),
        ("draft", "staff", "none", False),
        ("draft", "staff", "entered_by", True),
        ("submitted", "staff", "none", True),
        ("handling", "officer", "unit:planned", False),
        ("handling", "officer", "unit:received", True),
        ("handling", "other_officer", "none", False),
        ("handling", "member", "none", False),
    ],
)
def test_examples(world, state, actor_name, relation, sees):
    w = world
    actor = _fresh(_actor(w, actor_name))
    p = _arrange(w, make_proposal(w), state, actor, relation)
    assert rules.has_perm("proposals.view_proposal", actor, p) is sees
    assert selectors.visible_proposals(_fresh(actor), w.org).filter(pk=p.pk).exists() is sees
    assert _search_allows(_fresh(actor), proposal_document(p)) is sees


def test_a_withdrawn_cosigner_no_longer_reads_the_draft(client, world):
    w = world
    p = make_proposal(w, cosigners=[w.co1])
    login(client, w.co1)
    assert client.get(reverse("proposals:detail", args=[p.pk])).status_code == 200
    assert _get(f"/proposals/{p.pk}", w.co1).status_code == 200
    services.cosign_withdraw(actor=w.lead, proposal=p, user=w.co1)
    assert client.get(reverse("proposals:detail", args=[p.pk])).status_code == 403
    assert _get(f"/proposals/{p.pk}", _fresh(w.co1)).status_code == 403
    assert p.pk not in set(selectors.visible_proposals(_fresh(w.co1), w.org).values_list("pk", flat=True))


def test_overseers_read_a_proposal_once_submitted(world):
    w = world
    p = make_proposal(w)
    people = SimpleNamespace(staff=w.staff2, supervisor=w.supervisor, leader=w.leader)
    for person in vars(people).values():
        assert not rules.has_perm("proposals.view_proposal", _fresh(person), p)
    advance(w, p, "submitted")
    for person in vars(people).values():
        assert rules.has_perm("proposals.view_proposal", _fresh(person), p)
