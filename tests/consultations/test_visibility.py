"""Who sees a consultation and its meeting materials is written once (consultations/visibility.py) and read three
ways: the list filter (selectors), the permission (rules) and the search readers (the documents search_wiring
builds). Property: for a random actor × state × relation the three agree, and agree with what the relation says.
Likewise for outcomes (visibility.OUTCOME: list, "consultations.view_outcome", outcome_document, the owner's list)."""

import pytest
import rules
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import HandlingUnitFactory, make_user
from xieshang.accounts.models import Organization, Role, RoleGrant
from xieshang.accounts.selectors import roles_by_organization
from xieshang.accounts.visibility import agree, officer_unit_ids
from xieshang.consultations import search_wiring, selectors, services
from xieshang.consultations.models import Consultation, Invitation, Material, Outcome, Room, Topic
from xieshang.consultations.visibility import CONSULTATION, MATERIALS, OUTCOME
from xieshang.consultations.workflows import CONSULTATION_WORKFLOW, OUTCOME_WORKFLOW
from xieshang.workflow.models import State

pytestmark = pytest.mark.django_db

ACTORS = ["host_staff", "host_leader", "invitee", "resident", "cohost_member", "cohost_staff", "outsider"]
STATES = [s["key"] for s in CONSULTATION_WORKFLOW["states"]]


class World:
    pass


@pytest.fixture
def world(organization, staff, leader, partners, future):
    w = World()
    w.host_staff, w.host_leader = staff, leader
    w.invitee = make_user(Role.MEMBER, organization, username="invitee")
    w.resident = make_user(Role.CITIZEN, organization, username="citizen")
    w.cohost_member = make_user(Role.MEMBER, partners[0], username="cohost_member")
    w.cohost_staff = make_user(Role.COMMITTEE_STAFF, partners[0], username="cohost_staff")
    w.outsider = make_user(Role.MEMBER, partners[1], username="outsider")
    w.consultations = {}
    for cross in (False, True):
        c = services.consultation_create(
            actor=staff,
            organization=organization,
            kind="cross_region" if cross else "bimonthly",
            title="跨区域" if cross else "本地",
            planned_date=future,
            venue="市政协",
            hosts=[partners[0]] if cross else [],
        )
        material = Material.objects.create(
            consultation=c, organization=organization, title="材料", filename="m.pdf", size=1, file="none.pdf"
        )
        Consultation.objects.filter(pk=c.pk).update(minutes="会议纪要")
        w.consultations[cross] = (c, material)
    w.states = {s.key: s for s in State.objects.filter(workflow=w.consultations[False][0].workflow)}
    return w


def _fresh_user(user):
    return type(user).objects.get(pk=user.pk)  # no cached roles


def _reads(user, doc) -> bool:
    """Whether the search readers of the document include the user (search.registry.SearchDoc's viewer fields)."""
    held = roles_by_organization(user)
    return (
        user.pk in doc.viewer_user_ids
        or bool(set(doc.viewer_roles) & held.get(doc.organization_id, set()))
        or any(org in held and (role == "*" or role in held[org]) for org, role in doc.viewer_org_roles)
    )


def _listed(spec, user, pk) -> set[bool]:
    """Listed in the user's lists: of all their organizations, and of each of them."""
    found = {spec.filter(Consultation.objects.all(), user, None).filter(pk=pk).exists()}
    found.add(any(spec.filter(Consultation.objects.all(), user, org).filter(pk=pk).exists() for org in held_orgs(user)))
    return found


def held_orgs(user):
    return sorted(roles_by_organization(user))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actor=st.sampled_from(ACTORS), state=st.sampled_from(STATES), cross=st.booleans(), invited=st.booleans())
def test_list_permission_and_search_agree(world, actor, state, cross, invited):
    consultation, material = world.consultations[cross]
    Consultation.objects.filter(pk=consultation.pk).update(state=world.states[state])
    Invitation.objects.filter(consultation=consultation).delete()
    if invited:
        Invitation.objects.create(consultation=consultation, organization=consultation.organization, user=world.invitee)
    user = _fresh_user(getattr(world, actor))
    c = Consultation.objects.select_related("state").get(pk=consultation.pk)
    m = Material.objects.select_related("consultation__state").get(pk=material.pk)

    # The consultation: anyone with a role in one of its hosts.
    sees = actor not in ("outsider", "cohost_member", "cohost_staff") or (cross and actor != "outsider")
    listed = _listed(CONSULTATION, user, c.pk)
    assert listed == {sees}
    assert rules.has_perm("consultations.view_consultation", user, c) is sees
    assert _reads(user, search_wiring.consultation_document(c)) is sees
    assert selectors.consultations_for_user(user).filter(pk=c.pk).exists() is sees
    assert _reads(user, search_wiring.minutes_document(c)) is sees

    # Its materials: the invited, and the hosts' committee staff and leaders.
    reads = (
        actor in ("host_staff", "host_leader")
        or (actor == "invitee" and invited)
        or (actor == "cohost_staff" and cross)
    )
    assert _listed(MATERIALS, user, c.pk) == {reads}
    assert rules.has_perm("consultations.view_materials", user, c) is reads
    assert _reads(user, search_wiring.material_document(m)) is reads


# ---------------------------------------------------------------------------------------------------- outcomes
OUTCOME_STATES = [s["key"] for s in OUTCOME_WORKFLOW["states"]]
OUTCOME_ACTORS = ["host_staff", "host_leader", "resident", "cohost_member", "outsider", "outsider_officer"]
SOURCES = ["local", "cross", "room"]
OUTCOME_RELATIONS = ["none", "owner_unit", "owner_leader", "convener"]


@pytest.fixture
def outcomes(world, organization, staff, partners, room):
    """One outcome of each source: a local consultation's recommendation, a cross-region one's, a room's. The
    outsiders (of a partner that hosts neither) reach one only through a relation: owner (unit or leader) or the
    room's convener."""
    w = world
    w.outsider_officer = make_user(Role.UNIT_OFFICER, partners[1], username="outsider_officer")
    w.outsider_unit_id = RoleGrant.objects.get(user=w.outsider_officer).handling_unit_id
    w.home_unit = HandlingUnitFactory(organization=organization)
    w.room_convener_id = room.convener_id
    topic = Topic.objects.create(room=room, organization=organization, title="路灯", raised_by=w.resident)
    w.outcomes = {}
    for source, links in (
        ("local", {"consultation": w.consultations[False][0]}),
        ("cross", {"consultation": w.consultations[True][0]}),
        ("room", {"topic": topic}),
    ):
        outcome = Outcome(organization=organization, source="room" if source == "room" else "recommendation", **links)
        outcome.title, outcome.owner_unit = "成果", w.home_unit
        services.workflow.start(
            actor=staff, obj=outcome, workflow_key=OUTCOME_WORKFLOW["key"], organization=organization
        )
        w.outcomes[source] = outcome
    w.outcome_states = {s.key: s for s in State.objects.filter(workflow=w.outcomes["local"].workflow)}
    return w


def _arrange_outcome(w, source, state, actor, relation):
    """The outcome in the state with exactly one relation to the actor (written directly)."""
    outcome = w.outcomes[source]
    fields = {"state": w.outcome_states[state], "owner_unit_id": w.home_unit.pk, "owner_leader_id": None}
    if relation == "owner_unit":
        mine = officer_unit_ids(actor)
        fields["owner_unit_id"] = next(iter(mine)) if mine else w.outsider_unit_id
    elif relation == "owner_leader":
        fields["owner_leader_id"] = actor.pk
    Outcome.objects.filter(pk=outcome.pk).update(**fields)
    convener = actor.pk if relation == "convener" else w.room_convener_id
    Room.objects.filter(pk=w.outcomes["room"].topic.room_id).update(convener_id=convener)
    return Outcome.objects.select_related("state", "consultation", "topic__room").get(pk=outcome.pk)


def _reads_outcome(user, doc) -> bool:
    return _reads(user, doc) or bool(set(doc.viewer_unit_ids) & officer_unit_ids(user))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    actor=st.sampled_from(OUTCOME_ACTORS),
    state=st.sampled_from(OUTCOME_STATES),
    source=st.sampled_from(SOURCES),
    relation=st.sampled_from(OUTCOME_RELATIONS),
)
def test_outcome_list_permission_and_search_agree(outcomes, actor, state, source, relation):
    w = outcomes
    user = _fresh_user(getattr(w, actor))
    o = _arrange_outcome(w, source, state, user, relation)
    user = _fresh_user(user)

    # What the relation says: a role in a host (a room's outcome: in its organization), or owner, or convener.
    in_host = actor in ("host_staff", "host_leader", "resident") or (actor == "cohost_member" and source == "cross")
    owner = relation == "owner_leader" or (relation == "owner_unit" and actor == "outsider_officer")
    sees = in_host or owner or (relation == "convener" and source == "room")

    # The spec's own readings (its list is each hosting organization's, as for consultations).
    _lead_list, allowed, readable = agree(OUTCOME, user, o, Outcome.objects.all())
    assert (allowed, readable) == (sees, sees), (actor, source, relation)
    assert rules.has_perm("consultations.view_outcome", _fresh_user(user), o) is sees
    assert _reads_outcome(_fresh_user(user), search_wiring.outcome_document(o)) is sees
    # The lists: each of the user's organizations' (and the outcome's organization's); the owner's own list.
    orgs = {*held_orgs(user), o.organization_id}
    lists = Organization.objects.filter(pk__in=orgs)
    listed = any(selectors.outcomes_for_user(user, org).filter(pk=o.pk).exists() for org in lists)
    by_spec = any(OUTCOME.filter(Outcome.objects.all(), user, org).filter(pk=o.pk).exists() for org in (*orgs, None))
    assert listed is by_spec is sees
    mine = selectors.outcomes_for_owner(_fresh_user(user)).filter(pk=o.pk).exists()
    assert mine is (owner and not o.state.is_final)
