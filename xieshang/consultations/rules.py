"""Who may do what with consultations, rooms, topics and outcomes: one permission per action.

The object is a Consultation, Room, Topic, Outcome, or the Organization (for creating). Co-hosts count as the
consultation's organization for the shared parts; invitations stay with the host that made them."""

from __future__ import annotations

import rules

from xieshang.accounts.models import Role
from xieshang.accounts.rules import is_committee_staff, is_leader, is_system_admin
from xieshang.accounts.selectors import roles_by_organization
from xieshang.workflow.selectors import state_has

from . import origins
from .roles import RAISER
from .visibility import CONSULTATION, CONVENER, HOST_STAFF, MATERIALS, OUTCOME, OWNER, host_ids
from .workflows import (
    AGREEING,
    CANCELLED,
    COLLECTING,
    CONVERSATION,
    DONE,
    IMPLEMENTING,
    MEETING,
    MINUTES,
    OPEN,
    PREPARING,
)


def _roles(user) -> dict[int, set[str]]:
    return roles_by_organization(user) if getattr(user, "is_authenticated", False) else {}


# Relations written once (visibility.py, roles.py) for the engine's roles and these permissions.
is_host_staff = HOST_STAFF.predicate
is_convener = CONVENER.predicate
is_outcome_owner = OWNER.predicate
raised_topic = RAISER.predicate


@rules.predicate
def is_host_leader(user, consultation=None) -> bool:
    if consultation is None:
        return False
    roles = _roles(user)
    return any(Role.LEADER in roles.get(org_id, ()) for org_id in host_ids(consultation))


@rules.predicate
def is_invited(user, consultation=None) -> bool:
    if consultation is None or not getattr(user, "is_authenticated", False):
        return False
    return consultation.invitations.filter(user=user).exists()


@rules.predicate
def consultation_open_for_checkin(user, consultation=None) -> bool:
    return consultation is not None and state_has(consultation, MEETING)


@rules.predicate
def consultation_editable(user, consultation=None) -> bool:
    return consultation is not None and state_has(consultation, PREPARING)


@rules.predicate
def materials_editable(user, consultation=None) -> bool:
    return consultation is not None and state_has(consultation, OPEN)


@rules.predicate
def minutes_editable(user, consultation=None) -> bool:
    return consultation is not None and state_has(consultation, MINUTES)


# ---------------------------------------------------------------------------------------------------- rooms
def _org_id(obj):
    return getattr(obj, "organization_id", None) if obj.__class__.__name__ != "Organization" else obj.pk


@rules.predicate
def in_organization(user, obj=None) -> bool:
    return obj is not None and _org_id(obj) in _roles(user)


@rules.predicate
def is_org_committee_staff(user, obj=None) -> bool:
    return obj is not None and Role.COMMITTEE_STAFF in _roles(user).get(_org_id(obj), ())


@rules.predicate
def topic_raised(user, topic=None) -> bool:
    return topic is not None and state_has(topic, COLLECTING)


@rules.predicate
def topic_open_for_outcomes(user, topic=None) -> bool:
    return topic is not None and state_has(topic, AGREEING)


@rules.predicate
def topic_may_open_conversation(user, topic=None) -> bool:
    return topic is not None and state_has(topic, CONVERSATION) and topic.conversation_id is None


@rules.predicate
def may_raise_in(user, obj=None) -> bool:
    """Residents, members and officials of the room's organization."""
    return obj is not None and bool(_roles(user).get(_org_id(obj)))


# ---------------------------------------------------------------------------------------------------- outcomes
@rules.predicate
def is_outcome_staff(user, outcome=None) -> bool:
    """Committee staff of the outcome's consultation hosts, or of the room's organization."""
    if outcome is None:
        return False
    if outcome.consultation_id:
        return is_host_staff(user, outcome.consultation)
    return Role.COMMITTEE_STAFF in _roles(user).get(outcome.organization_id, ())


@rules.predicate
def outcome_progressing(user, outcome=None) -> bool:
    return outcome is not None and state_has(outcome, IMPLEMENTING)


@rules.predicate
def outcome_done(user, outcome=None) -> bool:
    return outcome is not None and state_has(outcome, DONE)


@rules.predicate
def outcome_from_room(user, outcome=None) -> bool:
    return outcome is not None and outcome.topic_id is not None


@rules.predicate
def tracks_origin(user, origin=None) -> bool:
    """The registered staff of another domain's record (consultations.origins), e.g. a reply's supervisors."""
    return origin is not None and origins.tracks(user, origin)


@rules.predicate
def rates_origin(user, outcome=None) -> bool:
    """The people who rate an origin's outcome (a reply's promise: the proposal's members)."""
    return outcome is not None and any(u.pk == user.pk for u in origins.raters(outcome))


@rules.predicate
def is_citizen_of_outcome_org(user, outcome=None) -> bool:
    return outcome is not None and Role.CITIZEN in _roles(user).get(outcome.organization_id, ())


# ---------------------------------------------------------------------------------------------------- portal media
@rules.predicate
def is_media_parent_staff(user, parent=None) -> bool:
    """Committee staff who may write reports and upload photos for this consultation (any co-host's staff, each
    under its own organization) or this room (staff of the room's organization)."""
    if parent is None:
        return False
    if parent.__class__.__name__ == "Consultation":
        return is_host_staff(user, parent) and not state_has(parent, CANCELLED)
    if parent.__class__.__name__ == "Room":
        return Role.COMMITTEE_STAFF in _roles(user).get(parent.organization_id, ())
    return False


@rules.predicate
def is_item_organization_staff(user, item=None) -> bool:
    """An article or photo is changed (edited, published, unpublished) by staff of the organization that made it:
    co-hosts of a cross-region consultation never touch each other's reports."""
    return item is not None and Role.COMMITTEE_STAFF in _roles(user).get(item.organization_id, ())


# ---------------------------------------------------------------------------------------------------- public calls
def _call_consultation(obj):
    """The consultation of a call or of an entry."""
    name = obj.__class__.__name__
    if name == "Entry":
        return obj.call.consultation
    return obj.consultation if name == "Call" else obj


@rules.predicate
def is_call_staff(user, obj=None) -> bool:
    """Committee staff of any host of the call's consultation: they open calls, moderate entries, attach summaries."""
    return obj is not None and is_host_staff(user, _call_consultation(obj))


ANSWERING_ROLES = frozenset({Role.CITIZEN, Role.MEMBER, Role.STANDING_MEMBER})


@rules.predicate
def may_answer_call(user, obj=None) -> bool:
    """Residents (signed-in resident accounts) and members of any host of the consultation."""
    if obj is None:
        return False
    call = obj.call if obj.__class__.__name__ == "Entry" else obj
    roles = _roles(user)
    return any(ANSWERING_ROLES & roles.get(org_id, set()) for org_id in host_ids(call.consultation))


@rules.predicate
def entry_published(user, entry=None) -> bool:
    return entry is not None and entry.status == "published"


@rules.predicate
def wrote_entry(user, entry=None) -> bool:
    return entry is not None and entry.author_id == getattr(user, "pk", None)


# Consultations
rules.add_perm("consultations.add_consultation", is_committee_staff)
rules.add_perm("consultations.record_approval", is_committee_staff)
rules.add_perm("consultations.view_plan", is_committee_staff | is_leader)
rules.add_perm("consultations.view_consultation", CONSULTATION.predicate)
rules.add_perm("consultations.change_consultation", is_host_staff & consultation_editable)
rules.add_perm("consultations.invite", is_host_staff & consultation_editable)
rules.add_perm("consultations.add_material", is_host_staff & materials_editable)
rules.add_perm("consultations.view_materials", MATERIALS.predicate)
rules.add_perm("consultations.view_attendance", is_host_staff | is_host_leader)
rules.add_perm("consultations.show_checkin_code", is_host_staff & consultation_open_for_checkin)
rules.add_perm("consultations.check_in", is_invited & consultation_open_for_checkin)
rules.add_perm("consultations.register", is_invited & consultation_editable)
rules.add_perm("consultations.post_live", (is_invited | is_host_staff) & consultation_open_for_checkin)
rules.add_perm("consultations.edit_agenda", is_host_staff & consultation_editable)
rules.add_perm("consultations.write_minutes", is_host_staff & minutes_editable)
rules.add_perm("consultations.add_recommendation", is_host_staff & (minutes_editable | consultation_open_for_checkin))

# Rooms and topics
rules.add_perm("consultations.view_room", in_organization)
rules.add_perm("consultations.add_room", is_committee_staff)
rules.add_perm("consultations.raise_topic", may_raise_in)
rules.add_perm("consultations.support_topic", may_raise_in & topic_raised & ~raised_topic)
rules.add_perm("consultations.manage_topic", is_convener | is_org_committee_staff)
rules.add_perm("consultations.prepare_topic", (is_convener | is_org_committee_staff) & topic_raised)
rules.add_perm("consultations.open_conversation", (is_convener | is_org_committee_staff) & topic_may_open_conversation)
rules.add_perm("consultations.add_outcome", (is_convener | is_org_committee_staff) & topic_open_for_outcomes)
rules.add_perm("consultations.follow_room", rules.is_authenticated)

# Public calls (征集) and their entries
rules.add_perm("consultations.open_call", is_host_staff & consultation_editable)
rules.add_perm("consultations.moderate_call", is_call_staff)
rules.add_perm("consultations.answer_call", may_answer_call)
rules.add_perm("consultations.support_entry", may_answer_call & entry_published & ~wrote_entry)
rules.add_perm("consultations.appeal_entry", wrote_entry)
rules.add_perm("consultations.edit_blocklist", is_org_committee_staff)

# Outcomes
rules.add_perm("consultations.view_outcome", OUTCOME.predicate)
rules.add_perm("consultations.add_progress", is_outcome_owner & outcome_progressing)
# object: the record whose recommendation is tracked (any row with an organization_id)
rules.add_perm("consultations.track_outcome", is_org_committee_staff | tracks_origin)
rules.add_perm("consultations.publish_outcome", is_outcome_staff | (outcome_from_room & is_convener))
rules.add_perm(
    "consultations.rate_outcome",
    ((is_citizen_of_outcome_org & outcome_from_room) | rates_origin) & outcome_done,
)

# Reports and photos for the public portal
rules.add_perm("consultations.add_media", is_media_parent_staff)
rules.add_perm("consultations.change_media", is_item_organization_staff)

for model in (
    "consultation",
    "room",
    "topic",
    "outcome",
    "article",
    "photo",
    "dispatch",
    "call",
    "entry",
    "blockedword",
):
    rules.add_perm(f"consultations.{model}_admin", is_system_admin)


# ---------------------------------------------------------------------------------------------- public live meeting
@rules.predicate
def may_ask_live(user, consultation=None) -> bool:
    """Residents and members of any host may send questions to a consultation opened to the public."""
    if consultation is None:
        return False
    roles = _roles(user)
    return any(ANSWERING_ROLES & roles.get(org_id, set()) for org_id in host_ids(consultation))


rules.add_perm("consultations.host_live", is_host_staff)
rules.add_perm("consultations.ask_live", may_ask_live)
rules.add_perm("consultations.speak_live", is_invited)
rules.add_perm("consultations.vote_live", rules.is_authenticated)
