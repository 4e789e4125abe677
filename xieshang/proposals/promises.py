"""Follow-up of promises (承诺事项跟踪): a reply that commits to an action by a date (every B reply does) becomes, when
it reaches the members, an outcome tracked by the consultations app (decision 0013: the outcome model, workflow,
progress, milestones and reminders, reused through a generic origin): its owner is the replying unit, it falls due on
the promised date, and the proposal's members rate its delivery once it is done.

register() tells the consultations app who tracks a reply's promise (the organization's proposals staff and
supervisors, and the replying unit's officers) and who rates it (the proposal's signers)."""

from __future__ import annotations

from typing import Any

from xieshang.accounts.models import Role
from xieshang.accounts.selectors import has_role
from xieshang.consultations.services import outcome_track, register_origin

from .models import Reply
from .selectors import officer_unit_ids, signers

TRACKING_ROLES = (Role.PROPOSALS_STAFF, Role.SUPERVISOR)


def _tracks(user: Any, reply: Reply) -> bool:
    org = reply.proposal.organization_id
    if any(has_role(user, role, org) for role in TRACKING_ROLES):
        return True
    return reply.assignment.unit_id in officer_unit_ids(user, org)


def _raters(reply: Reply) -> list[Any]:
    return signers(reply.proposal)


def register() -> None:
    register_origin("proposals.Reply", trackers=_tracks, raters=_raters)


def track(actor: Any, reply: Reply) -> Any:
    """The reply's promise as an outcome sent to the replying unit (inside the transition's transaction)."""
    proposal = reply.proposal
    label = proposal.number or proposal.title
    return outcome_track(
        actor=actor,
        origin=reply,
        source="promise",
        title=f"{label} · {reply.promise}"[:160],
        body=reply.promise,
        owner_unit=reply.assignment.unit,
        promised_on=reply.promise_due_on,
        send=True,
    )
