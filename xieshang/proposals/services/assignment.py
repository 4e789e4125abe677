"""Assignment (交办): the plan of units, its approval, receipts and returns."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.accounts.models import HandlingUnit
from xieshang.core.services import require
from xieshang.workflow.calendar import add_working_days
from xieshang.workflow.exceptions import InvalidEdge, TransitionError
from xieshang.workflow.models import WorkflowEvent

from .. import search_wiring
from ..models import (
    Assignment,
    Proposal,
)
from ._base import (
    audit,
    in_phase,
    lock,
    move,
    move_now,
    own_assignment,
    refresh,
)

if TYPE_CHECKING:
    from xieshang.accounts.models import User


def _units(organization_id: Any, units: Any) -> list[HandlingUnit]:
    found = []
    for unit in units or ():
        if unit is None:
            continue
        if unit.organization_id != organization_id or not unit.is_active:
            raise ValidationError({"units": _("“%(unit)s”不是本组织启用的承办单位。") % {"unit": unit}})
        found.append(unit)
    return found


def assignment_plan(
    *,
    actor: User,
    proposal: Proposal,
    lead: HandlingUnit | None = None,
    co: Iterable[HandlingUnit] = (),
    split: Iterable[HandlingUnit] = (),
) -> list[Assignment]:
    """Set the units a proposal will be assigned to: one lead unit plus co-handlers, or two or more split units
    (分办, each replies on its own). Replaces an earlier plan; allowed before the assignment is sent."""
    org_id = proposal.organization_id
    co = _units(org_id, co)
    split = _units(org_id, split)
    lead_list = _units(org_id, [lead])
    errors = {}
    if split and (lead_list or co):
        errors["split"] = _("分办与主办、协办不能同时选择。")
    elif split and len(split) < 2:
        errors["split"] = _("分办至少需要两个承办单位。")
    elif not split and not lead_list:
        errors["lead"] = _("请选择主办单位。")
    all_units = lead_list + co + split
    if len({u.pk for u in all_units}) != len(all_units):
        errors["co"] = _("同一承办单位不能重复选择。")
    if proposal.is_micro and (co or split):
        errors["lead"] = _("微提案只交一个承办单位。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = lock(proposal)
        require(actor, "proposals.assign_proposal", locked, _("只有提案委员会工作人员可以拟定交办方案。"))
        in_phase(locked, "planning")
        Assignment.objects.filter(proposal=locked, status=Assignment.Status.PLANNED).delete()
        rows = [Assignment(proposal=locked, unit=u, role=Assignment.Role.LEAD) for u in lead_list]
        rows += [Assignment(proposal=locked, unit=u, role=Assignment.Role.CO) for u in co]
        rows += [Assignment(proposal=locked, unit=u, role=Assignment.Role.SPLIT) for u in split]
        Assignment.objects.bulk_create(rows)
        locked.assignment_mode = Proposal.AssignmentMode.SPLIT if split else Proposal.AssignmentMode.LEAD
        locked.save(update_fields=["assignment_mode"])
        audit(actor, "assignment_plan", locked, units=[u.pk for u in all_units], mode=locked.assignment_mode)
        search_wiring.index_proposal(locked, with_replies=False)
    refresh(proposal, locked)
    return rows


def assignment_propose(*, actor: User, proposal: Proposal) -> WorkflowEvent:
    """Send the assignment plan to the leader for approval."""
    return move_now(actor, proposal, "propose_assignment")


def assignment_approve(*, actor: User, proposal: Proposal) -> WorkflowEvent:
    return move_now(actor, proposal, "approve_assignment")


def assignment_reject(*, actor: User, proposal: Proposal, reason: str) -> WorkflowEvent:
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写退回交办方案的理由。")})
    return move_now(actor, proposal, "reject_assignment", reason=reason)


def proposal_assign(*, actor: User, proposal: Proposal) -> WorkflowEvent:
    """交办: the planned units receive the proposal and have 10 working days to sign for it or return it."""
    return move_now(actor, proposal, "assign")


def bulk_assign(
    *, actor: User, plans: Iterable[tuple[Proposal, HandlingUnit, Iterable[HandlingUnit]]], propose: bool = True
) -> list[tuple[Proposal, str | None]]:
    """Plan (and by default send for approval) many proposals at once: [(proposal, lead, co_units), ...].
    Each proposal succeeds or fails on its own; returns [(proposal, None or the reason it was refused)]."""
    results: list[tuple[Proposal, str | None]] = []
    for proposal, lead, co in plans:
        try:
            with transaction.atomic():
                assignment_plan(actor=actor, proposal=proposal, lead=lead, co=co)
                if propose:
                    assignment_propose(actor=actor, proposal=proposal)
        except (ValidationError, TransitionError, PermissionDenied) as exc:
            message = getattr(exc, "message", None) or "；".join(
                str(m) for m in (exc.messages if hasattr(exc, "messages") else [exc])
            )
            results.append((proposal, str(message)))
        else:
            results.append((proposal, None))
    return results


def micro_accept(*, actor: User, proposal: Proposal, unit: HandlingUnit) -> WorkflowEvent:
    """The office's one review of a micro-proposal: accept and hand it to one unit (reply due in 15 working days)."""
    with transaction.atomic():
        assignment_plan(actor=actor, proposal=proposal, lead=unit)
        locked = lock(proposal)
        event = move(actor, locked, "accept")
    refresh(proposal, locked)
    return event


def assignment_receive(*, actor: User, assignment: Assignment) -> Assignment:
    """签收. When the last assigned unit has signed for it, the proposal moves to handling."""
    with transaction.atomic():
        locked = lock(assignment.proposal)
        row = Assignment.objects.select_for_update().get(pk=assignment.pk)
        own_assignment(actor, row)
        in_phase(locked, "receipt")
        if row.status != Assignment.Status.PENDING:
            raise InvalidEdge(_("该交办的状态为“%(status)s”，无需签收。") % {"status": row.get_status_display()})
        row.status = Assignment.Status.RECEIVED
        row.received_at = timezone.now()
        row.received_by = actor
        row.save(update_fields=["status", "received_at", "received_by"])
        audit(actor, "assignment_receive", locked, assignment=row.pk, unit=row.unit_id)
        if not Assignment.objects.filter(proposal=locked, status=Assignment.Status.PENDING).exists():
            move(actor, locked, "start_handling")
    refresh(assignment.proposal, locked)
    return row


def assignment_return(*, actor: User, assignment: Assignment, reason: str) -> Assignment:
    """退回 with a reason, within the receipt period. The unit never passes the proposal on itself: staff decide."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("退回须填写理由，并可建议更合适的承办单位。")})
    with transaction.atomic():
        locked = lock(assignment.proposal)
        row = Assignment.objects.select_for_update().get(pk=assignment.pk)
        own_assignment(actor, row)
        micro = locked.is_micro
        in_phase(locked, "handling" if micro else "receipt")
        if row.status not in (Assignment.Status.PENDING, Assignment.Status.RECEIVED if micro else "-"):
            raise InvalidEdge(_("该交办的状态为“%(status)s”，不能退回。") % {"status": row.get_status_display()})
        if not micro and row.receipt_due_on and timezone.localdate() > row.receipt_due_on:
            raise ValidationError(
                {"reason": _("已超过 %(date)s 的签收期限，不能再退回。") % {"date": row.receipt_due_on}}
            )
        row.status = Assignment.Status.RETURNED
        row.returned_at = timezone.now()
        row.return_reason = reason
        row.needs_reply = False
        row.save(update_fields=["status", "returned_at", "return_reason", "needs_reply"])
        move(actor, locked, "unit_return", reason=reason)
    refresh(assignment.proposal, locked)
    return row


def return_reassign(*, actor: User, assignment: Assignment, unit: HandlingUnit, reason: str) -> Assignment:
    """Staff accept a return and give the part to another unit (same role)."""
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = _("请填写重新交办的说明。")
    if unit is None or unit.organization_id != assignment.proposal.organization_id or unit.pk == assignment.unit_id:
        errors["unit"] = _("请选择另一个本组织的承办单位。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = lock(assignment.proposal)
        require(actor, "proposals.assign_proposal", locked)
        row = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if row.status != Assignment.Status.RETURNED:
            raise InvalidEdge(_("该交办未被退回。"))
        if Assignment.objects.filter(proposal=locked, unit=unit).exclude(status__in=["returned", "replaced"]).exists():
            raise ValidationError({"unit": _("该单位已在承办本提案。")})
        row.status = Assignment.Status.REPLACED
        row.save(update_fields=["status"])
        today = timezone.localdate()
        new = Assignment.objects.create(
            proposal=locked,
            unit=unit,
            role=row.role,
            status=Assignment.Status.PENDING,
            assigned_at=timezone.now(),
            receipt_due_on=add_working_days(today, 10),
            needs_reply=row.role != Assignment.Role.CO,
        )
        move(actor, locked, "reassign", reason=reason, payload={"from_unit": row.unit_id, "to_unit": unit.pk})
        new.receipt_due_on = locked.due_on or new.receipt_due_on
        new.save(update_fields=["receipt_due_on"])
    refresh(assignment.proposal, locked)
    return new


def return_refuse(*, actor: User, assignment: Assignment, reason: str) -> Assignment:
    """Staff refuse a return: the same unit must handle it, with a fresh receipt period."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写不同意退回的理由。")})
    with transaction.atomic():
        locked = lock(assignment.proposal)
        require(actor, "proposals.assign_proposal", locked)
        row = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if row.status != Assignment.Status.RETURNED:
            raise InvalidEdge(_("该交办未被退回。"))
        row.status = Assignment.Status.PENDING
        row.return_refusals += 1
        row.needs_reply = row.role != Assignment.Role.CO
        row.save(update_fields=["status", "return_refusals", "needs_reply"])
        move(actor, locked, "refuse_return", reason=reason, payload={"unit": row.unit_id})
        row.receipt_due_on = locked.due_on
        row.save(update_fields=["receipt_due_on"])
    refresh(assignment.proposal, locked)
    return row
