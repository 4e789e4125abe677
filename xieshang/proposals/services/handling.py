"""Handling (办理): deadline extensions and co-handlers' opinions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.audit.services import audit_record
from xieshang.core.names import named
from xieshang.workflow import services as engine
from xieshang.workflow.calendar import add_months, compute_due, next_workday
from xieshang.workflow.exceptions import Conflict, DeadlineError, InvalidEdge, NotAllowed, TransitionError
from xieshang.workflow.models import WorkflowEvent
from xieshang.workflow.selectors import holds_role, state_has

from .. import search_wiring
from ..hooks import sync_due
from ..models import (
    Assignment,
    Proposal,
)
from ._base import (
    audit,
    in_phase,
    lock,
    own_assignment,
    refresh,
)

if TYPE_CHECKING:
    from xieshang.accounts.models import User


def handling_extend(*, actor: User, proposal: Proposal, months: int = 1, reason: str) -> WorkflowEvent:
    """Grant an extension of the handling deadline (1 month by default). domain.md: the reply is due 3 months after
    assignment and extensions reach 6 months at most in all, so a proposal's handling limit counts from the
    assignment (交办), not from the day the last unit signed for it, nor from re-entering handling after the
    supervisor sent a reply back. Other states (rehandling, micro-proposals) keep the engine's rule."""
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = _("延期须填写理由。")
    if not isinstance(months, int) or months < 1:
        errors["months"] = _("延期月数须为正整数。")
    if errors:
        raise ValidationError(errors)
    current = Proposal.objects.select_related("state").get(pk=proposal.pk)
    if not _handling_from_assignment(current):
        # The engine's own rule, its own transaction and its own refusal row.
        event = engine.extend_deadline(actor=actor, obj=proposal, months=months, reason=reason)
        sync_due(proposal)
        search_wiring.index_proposal(proposal, with_replies=False)
        return event
    try:
        return _extend_handling(actor, proposal, months, reason)
    except TransitionError as exc:
        # As the engine does for its refusals: a denied/failure row, nothing else (written here, after the
        # transaction rolled back, which would have taken the engine's own row with it).
        audit_record(
            actor=actor,
            action="workflow.deadline",
            obj=proposal,
            result=exc.audit_result,
            detail={"code": exc.code, "message": exc.message},
        )
        raise


def _handling_from_assignment(proposal: Proposal) -> bool:
    """Whether the deadline runs from the assignment (a proposal's handling), not from entering the state."""
    first = state_has(proposal, "handling") and not state_has(proposal, "rehandling")
    return first and not proposal.is_micro and proposal.assigned_at is not None


def _extend_handling(actor: User, proposal: Proposal, months: int, reason: str) -> WorkflowEvent:
    with transaction.atomic():
        locked = lock(proposal)
        state = locked.state
        # A state tagged "handling" (which _handling_from_assignment requires) is never None.
        if state is None or not _handling_from_assignment(locked):
            raise Conflict(
                _("该事项已被他人处理，当前状态为“%(state)s”。请刷新页面后再操作。")
                % {"state": named(state.name) if state else ""}
            )
        if not any(holds_role(actor, role, locked) for role in state.extend_roles or ()):
            raise NotAllowed(_("您没有调整本环节期限的权限。"))
        if locked.due_on is None:
            raise DeadlineError(_("当前环节没有办理期限，无需延期。"))
        assigned_on = timezone.localdate(locked.assigned_at)
        # The due date is "k months after assignment" moved off a day off; extending keeps that anchor.
        k = 0
        while add_months(assigned_on, k + 1) <= locked.due_on:
            k += 1
        new_due = next_workday(add_months(assigned_on, k + months))
        if new_due <= locked.due_on:
            new_due = next_workday(add_months(locked.due_on, months))
        limit = compute_due(assigned_on, state.deadline_max_amount, state.deadline_unit)
        if limit is not None and new_due > limit:
            raise DeadlineError(
                _("延期后的到期日 %(new)s 超过自交办之日（%(assigned)s）起 %(n)d 个月的最长办理期限 %(limit)s。")
                % {
                    "new": new_due.isoformat(),
                    "assigned": assigned_on.isoformat(),
                    "n": state.deadline_max_amount,
                    "limit": limit.isoformat(),
                }
            )
        event = engine.set_due(actor=actor, obj=locked, due_on=new_due, reason=reason, enforce=False)
        Proposal.objects.filter(pk=locked.pk).update(deadline_extensions=F("deadline_extensions") + 1)
        locked.refresh_from_db(fields=["deadline_extensions"])
        sync_due(locked)
        search_wiring.index_proposal(locked, with_replies=False)
    refresh(proposal, locked)
    return event


def cohandler_opinion(*, actor: User, assignment: Assignment, text: str) -> Assignment:
    """A co-handler sends its opinion to the lead unit (not to the member)."""
    if not (text or "").strip():
        raise ValidationError({"text": _("请填写协办意见。")})
    with transaction.atomic():
        locked = lock(assignment.proposal)
        row = Assignment.objects.select_for_update().get(pk=assignment.pk)
        own_assignment(actor, row)
        if row.role != Assignment.Role.CO or row.status != Assignment.Status.RECEIVED:
            raise InvalidEdge(_("只有已签收的协办单位可以提交协办意见。"))
        in_phase(locked, "handling")
        row.opinion = text.strip()
        row.opinion_at = timezone.now()
        row.save(update_fields=["opinion", "opinion_at"])
        audit(actor, "cohandler_opinion", locked, assignment=row.pk)
        from xieshang.notifications.services import notify

        lead_units = {a.unit_id for a in locked.assignments.filter(role="lead", status="received")}
        from ..selectors import unit_officers

        people = unit_officers(lead_units, locked.organization_id)
        transaction.on_commit(
            lambda: notify(
                recipients=people,
                kind="proposal.cohandler_opinion",
                title=lambda: (
                    _("%(unit)s 提交了提案《%(title)s》的协办意见") % {"unit": row.unit, "title": locked.title}
                ),
                url=locked.get_absolute_url(),
                organization=locked.organization_id,
            ),
            robust=True,
        )
    return row
