"""Permission tables: role × state × action, for consultations, topics and outcomes."""

import pytest
import rules

from tests.factories import make_user
from xieshang.accounts.models import Role
from xieshang.consultations import services
from xieshang.consultations.models import Consultation, Outcome, Topic

from .conftest import advance

ROLES = [Role.COMMITTEE_STAFF, Role.LEADER, Role.MEMBER, Role.CITIZEN, Role.UNIT_OFFICER, None]


def _consultation_in(state, consultation, staff, leader, member):
    path = {
        "planned": [],
        "proposed": ["propose"],
        "approved": ["propose", "approve"],
        "held": ["propose", "approve", "hold"],
    }[state]
    return advance({"propose": staff, "approve": staff, "hold": staff}, consultation, *path)


# (action, state) -> roles allowed; "invited" is the member who was invited.
CONSULTATION_TABLE = [
    ("change_consultation", "planned", {Role.COMMITTEE_STAFF}),
    ("change_consultation", "held", set()),
    ("invite", "approved", {Role.COMMITTEE_STAFF}),
    ("invite", "held", set()),
    ("edit_agenda", "proposed", {Role.COMMITTEE_STAFF}),
    ("write_minutes", "approved", set()),
    ("write_minutes", "held", {Role.COMMITTEE_STAFF}),
    ("show_checkin_code", "planned", set()),
    ("show_checkin_code", "approved", {Role.COMMITTEE_STAFF}),
    ("check_in", "approved", {"invited"}),
    ("check_in", "planned", set()),
    ("register", "approved", {"invited"}),
    ("register", "held", set()),
    ("post_live", "held", {Role.COMMITTEE_STAFF, "invited"}),
    ("post_live", "planned", set()),
    (
        "view_consultation",
        "planned",
        {Role.COMMITTEE_STAFF, Role.LEADER, Role.MEMBER, Role.CITIZEN, Role.UNIT_OFFICER, "invited"},
    ),
    ("view_attendance", "held", {Role.COMMITTEE_STAFF, Role.LEADER}),
    ("add_recommendation", "planned", set()),
    ("add_recommendation", "approved", {Role.COMMITTEE_STAFF}),
    ("add_recommendation", "held", {Role.COMMITTEE_STAFF}),
    ("add_material", "approved", {Role.COMMITTEE_STAFF}),
    ("add_material", "held", {Role.COMMITTEE_STAFF}),
    ("view_materials", "approved", {Role.COMMITTEE_STAFF, Role.LEADER, "invited"}),
    ("add_media", "planned", {Role.COMMITTEE_STAFF}),
    ("add_media", "held", {Role.COMMITTEE_STAFF}),
    ("open_call", "proposed", {Role.COMMITTEE_STAFF}),
    ("open_call", "held", set()),
]


@pytest.mark.parametrize(("action", "state", "allowed"), CONSULTATION_TABLE)
def test_consultation_permissions(action, state, allowed, organization, consultation, staff, leader):
    people = {role: make_user(role, organization) for role in ROLES if role not in (None,)}
    people[Role.COMMITTEE_STAFF], people[Role.LEADER] = staff, leader
    people[None] = make_user(None)
    invited = make_user(Role.MEMBER, organization)
    services.invite(actor=staff, consultation=consultation, users=[invited])
    people["invited"] = invited
    c = _consultation_in(state, consultation, staff, leader, None)
    c = Consultation.objects.get(pk=c.pk)
    got = {key for key, user in people.items() if rules.has_perm(f"consultations.{action}", user, c)}
    assert got == allowed, (action, state)


TOPIC_TABLE = [
    # the resident raised it: he supports it by raising it, not once more (issue #11)
    ("support_topic", "raised", {"member", "convener", "staff"}),
    ("support_topic", "selected", set()),
    ("prepare_topic", "raised", {"convener", "staff"}),
    ("prepare_topic", "selected", set()),
    ("open_conversation", "selected", {"convener", "staff"}),
    ("add_outcome", "selected", set()),
    ("add_outcome", "held", {"convener", "staff"}),
    ("raise_topic", "raised", {"resident", "member", "convener", "staff"}),
    ("manage_topic", "raised", {"convener", "staff"}),
    ("manage_topic", "held", {"convener", "staff"}),
    ("view_room", "raised", {"resident", "member", "convener", "staff"}),
    ("follow_room", "raised", {"resident", "member", "convener", "staff", "outsider", "anonymous"}),
]


@pytest.mark.parametrize(("action", "state", "allowed"), TOPIC_TABLE)
def test_topic_permissions(action, state, allowed, organization, other_organization, room, staff, convener, resident):
    topic = services.topic_raise(actor=resident, room=room, title="路灯不亮")
    if state in ("selected", "held"):
        services.topic_prepare(actor=convener, topic=topic, participants=[resident], form="online")
    if state == "held":
        advance({"hold": convener}, topic, "hold")
    topic = Topic.objects.get(pk=topic.pk)
    people = {
        "resident": resident,
        "member": make_user(Role.MEMBER, organization),
        "convener": convener,
        "staff": staff,
        "outsider": make_user(Role.CITIZEN, other_organization),
        "anonymous": make_user(None),
    }
    obj = room if action in ("raise_topic", "view_room", "follow_room") else topic
    got = {k for k, u in people.items() if rules.has_perm(f"consultations.{action}", u, obj)}
    assert got == allowed


OUTCOME_TABLE = [
    ("add_progress", ["send"], set()),
    ("add_progress", ["send", "adopt"], {"owner"}),
    ("add_progress", ["send", "adopt", "implement"], {"owner"}),
    ("rate_outcome", ["send", "adopt", "implement"], set()),
    # The convener of the fixture is a resident too.
    ("rate_outcome", ["send", "adopt", "implement", "complete"], {"resident", "convener"}),
    ("view_outcome", [], {"owner", "resident", "staff", "convener", "leader"}),
    ("publish_outcome", [], {"staff", "convener"}),
    ("publish_outcome", ["send", "adopt"], {"staff", "convener"}),
]


@pytest.mark.parametrize(("action", "path", "allowed"), OUTCOME_TABLE)
def test_outcome_permissions(
    action, path, allowed, organization, other_organization, room, staff, convener, resident, officer, unit, leader
):
    topic = services.topic_raise(actor=resident, room=room, title="路灯不亮")
    services.topic_prepare(actor=convener, topic=topic, participants=[resident], form="online")
    topic = advance({"hold": convener}, topic, "hold")
    outcome = services.topic_outcome_add(actor=convener, topic=topic, title="修路灯", owner_unit=unit)
    if "complete" in path:
        outcome = advance({"send": convener, "adopt": officer, "implement": officer}, outcome, *path[:-1])
        services.progress_add(actor=officer, outcome=outcome, text="已修好", percent=100)
        path = ["complete"]
    outcome = advance({k: (convener if k == "send" else officer) for k in path + ["x"]}, outcome, *path)
    outcome = Outcome.objects.get(pk=outcome.pk)
    people = {
        "owner": officer,
        "resident": resident,
        "staff": staff,
        "convener": convener,
        "leader": leader,
        "outsider": make_user(Role.CITIZEN, other_organization),
    }
    got = {k for k, u in people.items() if rules.has_perm(f"consultations.{action}", u, outcome)}
    assert got == allowed


TRANSITION_TABLE = [
    # (workflow object, transition, who may take it)
    ("consultation", "propose", {"staff"}),
    ("consultation", "approve", {"staff"}),
    ("outcome", "send", {"staff"}),
    ("outcome", "instruct", {"leader"}),
    ("outcome", "adopt", {"owner"}),
    ("outcome", "reject", {"owner"}),
]


@pytest.mark.parametrize(("kind", "key", "allowed"), TRANSITION_TABLE)
def test_transition_roles(kind, key, allowed, organization, consultation, staff, leader, officer, unit, member):
    from xieshang.workflow.selectors import available_transitions

    if kind == "consultation":
        obj = consultation if key == "propose" else advance({"propose": staff}, consultation, "propose")
    else:
        c = advance({"propose": staff, "approve": staff, "hold": staff}, consultation, "propose", "approve", "hold")
        obj = services.recommendation_add(actor=staff, consultation=c, title="建议", owner_unit=unit)
        if key != "send":
            obj = advance({"send": staff}, obj, "send")
    people = {"staff": staff, "leader": leader, "owner": officer, "member": member}
    got = set()
    for name, user in people.items():
        for a in available_transitions(user, obj):
            if a.transition.key == key and a.allowed:
                got.add(name)
    assert got == allowed


# Actions on the organization itself (creating, the plan, rooms); "outsider" holds the same role elsewhere.
ORGANIZATION_TABLE = [
    ("add_consultation", {Role.COMMITTEE_STAFF}),
    ("record_approval", {Role.COMMITTEE_STAFF}),
    ("view_plan", {Role.COMMITTEE_STAFF, Role.LEADER}),
    ("add_room", {Role.COMMITTEE_STAFF}),
    # another record's recommendation tracked as an outcome (its origin has the organization's id, as here)
    ("track_outcome", {Role.COMMITTEE_STAFF}),
    ("view_room", {Role.COMMITTEE_STAFF, Role.LEADER, Role.MEMBER, Role.CITIZEN, Role.UNIT_OFFICER}),
    ("edit_blocklist", {Role.COMMITTEE_STAFF}),
]


@pytest.mark.parametrize(("action", "allowed"), ORGANIZATION_TABLE)
def test_organization_permissions(action, allowed, organization, other_organization):
    people = {role: make_user(role, organization) for role in ROLES if role is not None}
    people["outsider_staff"] = make_user(Role.COMMITTEE_STAFF, other_organization)
    people["outsider_leader"] = make_user(Role.LEADER, other_organization)
    got = {k for k, u in people.items() if rules.has_perm(f"consultations.{action}", u, organization)}
    assert got == allowed


def test_every_permission_has_a_table():
    """A permission added without a row in a table is a permission nobody proved."""
    from rules.permissions import permissions

    from .test_calls import CALL_TABLE
    from .test_live import LIVE_TABLE
    from .test_media import MEDIA_TABLE

    ours = [k for k in permissions if k.startswith("consultations.") and not k.endswith("_admin")]
    registered = {k.split(".", 1)[1] for k in ours}
    tables = (
        CONSULTATION_TABLE + TOPIC_TABLE + OUTCOME_TABLE + ORGANIZATION_TABLE + MEDIA_TABLE + CALL_TABLE + LIVE_TABLE
    )
    tabled = {row[0] for row in tables}
    assert registered - tabled == set()
