"""The proposals services' private helpers, built on core.services (require, refresh, text_error) and the workflow
engine's lock: lock the proposal's row without joins, decide on the locked copy, write, then copy it back into the
caller's object."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from xieshang.accounts.models import Role
from xieshang.accounts.selectors import has_role
from xieshang.audit.services import audit_record
from xieshang.core import services as core
from xieshang.core.names import named
from xieshang.workflow import services as engine
from xieshang.workflow.exceptions import InvalidEdge
from xieshang.workflow.models import WorkflowEvent
from xieshang.workflow.selectors import state_has

from ..models import Assignment, Proposal
from ..selectors import officer_unit_ids, settings_for

if TYPE_CHECKING:
    from xieshang.accounts.models import User

MEMBER_ROLES = (Role.MEMBER, Role.STANDING_MEMBER)


def lock(proposal: Proposal) -> Proposal:
    """The proposal's row under a row lock, its state and workflow from the engine's definition cache."""
    locked: Proposal = engine.lock(proposal)
    return locked


def forget_related(proposal: Proposal) -> Proposal:
    """Drop rows read before a write (prefetched assignments, the hooks' assignment cache): they are stale now."""
    proposal.__dict__.pop("_prefetched_objects_cache", None)
    proposal.__dict__.pop("_assignments_cache", None)
    return proposal


def refresh(target: Proposal, source: Proposal) -> Proposal:
    """The caller's proposal updated with what was written on the locked copy."""
    core.refresh(target, source, "state", "workflow")
    return forget_related(target)


def in_phase(proposal: Proposal, *tags: str) -> None:
    """InvalidEdge unless the proposal's state carries one of the phase tags."""
    if not any(state_has(proposal, tag) for tag in tags):
        name = named(proposal.state.name) if proposal.state is not None else _("未进入流程")
        raise InvalidEdge(_("当前状态“%(state)s”下不能执行此操作。") % {"state": name})


def audit(actor: User, action: str, obj: Any, **detail: Any) -> None:
    audit_record(actor=actor, action=f"proposal.{action}", obj=obj, detail=detail)


def move(actor: User, locked: Proposal, key: str, *, payload: Any = None, reason: str = "") -> WorkflowEvent:
    return engine.transition(actor=actor, obj=locked, transition_key=key, payload=payload or {}, reason=reason)


def move_now(actor: User, proposal: Proposal, key: str, *, payload: Any = None, reason: str = "") -> WorkflowEvent:
    """A transition with no domain writes of its own: the engine locks the row once and updates `proposal`."""
    event = engine.transition(actor=actor, obj=proposal, transition_key=key, payload=payload or {}, reason=reason)
    forget_related(proposal)
    return event


def validate_content(organization_id: Any, kind: str, title: str, body: str) -> None:
    limits = settings_for(organization_id)
    body_limit = limits.micro_body_max_chars if kind == Proposal.Kind.MICRO else limits.body_max_chars
    errors = {
        field: message
        for field, message in (
            ("title", core.text_error(title, limits.title_max_chars, _("案由"))),
            ("body", core.text_error(body, body_limit, _("正文"))),
        )
        if message
    }
    if errors:
        raise ValidationError(errors)


def is_member(user: User, organization_id: Any) -> bool:
    return any(has_role(user, r, organization_id) for r in MEMBER_ROLES)


def own_assignment(actor: User, assignment: Assignment) -> None:
    if assignment.unit_id not in officer_unit_ids(actor, assignment.proposal.organization_id):
        raise PermissionDenied(_("只有%(unit)s的经办人可以办理此交办。") % {"unit": assignment.unit})
