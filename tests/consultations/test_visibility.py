"""Who sees a consultation and its meeting materials is written once (consultations/visibility.py) and read three
ways: the list filter (selectors), the permission (rules) and the search readers (the documents search_wiring
builds). Property: for a random actor × state × relation the three agree, and agree with what the relation says."""

import pytest
import rules
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import make_user
from xieshang.accounts.models import Role
from xieshang.accounts.selectors import roles_by_organization
from xieshang.consultations import search_wiring, selectors, services
from xieshang.consultations.models import Consultation, Invitation, Material
from xieshang.consultations.visibility import CONSULTATION, MATERIALS
from xieshang.consultations.workflows import CONSULTATION_WORKFLOW
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
