"""Replies (答复): recontact in rehandling, the reply, countersigning, the supervisor's review."""

from __future__ import annotations

import os
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.core.uploads import upload_problem
from xieshang.workflow import cache
from xieshang.workflow.exceptions import InvalidEdge
from xieshang.workflow.models import WorkflowEvent
from xieshang.workflow.selectors import state_has

from .. import search_wiring
from ..models import (
    Assignment,
    Countersign,
    HandlingContact,
    Proposal,
    Reply,
    SignedLetter,
)
from ..roles import CONTACT_CONDITION, contact_missing
from ..selectors import is_signer, officer_unit_ids, settings_for
from ._base import (
    audit,
    in_phase,
    lock,
    move,
    move_now,
    refresh,
)

if TYPE_CHECKING:
    from xieshang.accounts.models import User

PROMISE_MAX = 500


def rehandle_contact(*, actor: User, proposal: Proposal, note: str, assignment: Assignment | None = None) -> Assignment:
    """Record that the unit contacted the member again in rehandling (重办); required before the new reply."""
    if not (note or "").strip():
        raise ValidationError({"note": _("请填写与提案人再次沟通的情况。")})
    with transaction.atomic():
        locked = lock(proposal)
        in_phase(locked, "handling")
        row = _replying_assignment(actor, locked, assignment)
        row.recontacted_at = timezone.now()
        row.recontact_note = note.strip()
        row.save(update_fields=["recontacted_at", "recontact_note"])
        audit(actor, "rehandle_contact", locked, assignment=row.pk)
    return row


def promise_errors(grade: str, promise: str, due_on: date | None) -> dict[str, str]:
    """A B reply (正在解决或列入计划解决) is a promise: what will be done and by when, a date after the reply. Any
    other reply may commit to an action with a date too; then both are needed."""
    errors: dict[str, str] = {}
    promise = (promise or "").strip()
    if grade == Reply.Grade.B or promise or due_on:
        if not promise:
            errors["promise"] = _("请写明承诺事项（B 类答复或写明完成时限的答复须填写）。")
        elif len(promise) > PROMISE_MAX:
            errors["promise"] = _("承诺事项不能超过 %(n)d 字。") % {"n": PROMISE_MAX}
        if due_on is None:
            errors["promise_due_on"] = _("请填写承诺完成时限。")
        elif due_on <= timezone.localdate():
            errors["promise_due_on"] = _("承诺完成时限须晚于答复日期。")
    return errors


def contact_required(proposal: Proposal) -> bool:
    """Whether the proposal's workflow asks for a recorded contact with the member before the reply (办理协商): the
    condition on its `reply` transition, which an organization may remove from its copy."""
    workflow = proposal.workflow
    if workflow is None:
        return False
    reply = cache.for_workflow(workflow).transition("reply")
    return reply is not None and CONTACT_CONDITION in (reply.conditions or ())


def _replying_assignment(actor: User, locked: Proposal, assignment: Assignment | None) -> Assignment:
    mine = officer_unit_ids(actor, locked.organization_id)
    rows = Assignment.objects.select_for_update().filter(
        proposal=locked, status=Assignment.Status.RECEIVED, role__in=[Assignment.Role.LEAD, Assignment.Role.SPLIT]
    )
    if assignment is not None:
        rows = rows.filter(pk=assignment.pk)
    replying = [a for a in rows if a.unit_id in mine]
    if not replying:
        raise PermissionDenied(_("只有主办（或分办）单位的经办人可以答复。"))
    return replying[0]


def reply_submit(
    *,
    actor: User,
    proposal: Proposal,
    reference_number: str,
    contact_person: str,
    contact_phone: str,
    text: str,
    grade: str,
    assignment: Assignment | None = None,
    promise: str = "",
    promise_due_on: date | None = None,
) -> Reply:
    """The lead (or split) unit's reply: reference number, contact person and phone, text and grade A/B/C.
    With co-handlers it goes to countersigning; without, straight to supervisor review (micro: to the member)."""
    errors = {}
    for field, value, label in (
        ("reference_number", reference_number, _("答复文号")),
        ("contact_person", contact_person, _("联系人")),
        ("contact_phone", contact_phone, _("联系电话")),
        ("text", text, _("答复正文")),
    ):
        if not (value or "").strip():
            errors[field] = _("请填写%(label)s。") % {"label": label}
    if grade not in Reply.Grade.values:
        errors["grade"] = _("请选择答复类别（A、B 或 C）。")
    if contact_phone and not all(c.isdigit() or c in "-+ ()" for c in contact_phone.strip()):
        errors["contact_phone"] = _("联系电话只能包含数字和“-”。")
    errors.update(promise_errors(grade, promise, promise_due_on))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = lock(proposal)
        in_phase(locked, "handling")
        row = _replying_assignment(actor, locked, assignment)
        if not row.needs_reply:
            raise InvalidEdge(_("本单位本轮答复已提交。"))
        if contact_required(locked) and not HandlingContact.objects.filter(assignment=row).exists():
            raise ValidationError({"text": contact_missing()})
        if state_has(locked, "rehandling") and row.recontacted_at is None:
            raise ValidationError({"text": _("重办须先与提案人再次沟通，并记录沟通情况。")})
        on_time = locked.due_on is None or timezone.localdate() <= locked.due_on
        Reply.objects.filter(proposal=locked, assignment=row, status=Reply.Status.COUNTERSIGNING).update(
            status=Reply.Status.SUPERSEDED
        )
        reply = Reply.objects.create(
            proposal=locked,
            assignment=row,
            round=locked.reply_round,
            reference_number=reference_number.strip(),
            contact_person=contact_person.strip(),
            contact_phone=contact_phone.strip(),
            text=text.strip(),
            grade=grade,
            promise=(promise or "").strip(),
            promise_due_on=promise_due_on,
            submitted_by=actor,
            submitted_at=timezone.now(),
            on_time=on_time,
        )
        row.needs_reply = False
        row.save(update_fields=["needs_reply"])
        audit(actor, "reply_submit", locked, reply=reply.pk, grade=grade)
        search_wiring.index_reply(reply)
        still_owing = Assignment.objects.filter(
            proposal=locked, needs_reply=True, status__in=[Assignment.Status.PENDING, Assignment.Status.RECEIVED]
        ).exists()
        if not still_owing:
            move(actor, locked, "reply", payload={"grade": grade})
            if (
                not locked.is_micro
                and not Assignment.objects.filter(
                    proposal=locked, role=Assignment.Role.CO, status=Assignment.Status.RECEIVED
                ).exists()
            ):
                _submit_for_review(actor, locked)
    refresh(proposal, locked)
    return reply


def _submit_for_review(actor: User, locked: Proposal) -> WorkflowEvent:
    return move(actor, locked, "submit_for_review")


def reply_countersign(*, actor: User, proposal: Proposal, note: str = "", text: str | None = None) -> Countersign:
    """A co-handler countersigns (会签) the lead unit's reply, and may edit its text. When the last co-handler has
    signed, the reply goes to supervisor review."""
    with transaction.atomic():
        locked = lock(proposal)
        in_phase(locked, "countersigning")
        mine = officer_unit_ids(actor, locked.organization_id)
        assignment = (
            Assignment.objects.filter(
                proposal=locked, role=Assignment.Role.CO, status=Assignment.Status.RECEIVED, unit_id__in=mine
            )
            .select_related("unit")
            .first()
        )
        if assignment is None:
            raise PermissionDenied(_("只有协办单位的经办人可以会签。"))
        reply = Reply.objects.select_for_update(of=("self",)).get(
            proposal=locked,
            round=locked.reply_round,
            status=Reply.Status.COUNTERSIGNING,
            assignment__role=Assignment.Role.LEAD,
        )
        if Countersign.objects.filter(reply=reply, assignment=assignment).exists():
            raise ValidationError({"note": _("本单位已会签。")})
        new_text = (text or "").strip()
        edited = bool(new_text) and new_text != reply.text
        if edited:
            reply.text = new_text
            reply.save(update_fields=["text"])
            search_wiring.index_reply(reply)
        sign = Countersign.objects.create(
            reply=reply,
            assignment=assignment,
            user=actor,
            note=(note or "").strip(),
            edited=bool(edited),
            signed_at=timezone.now(),
        )
        audit(actor, "reply_countersign", locked, reply=reply.pk, edited=bool(edited))
        missing = Assignment.objects.filter(
            proposal=locked, role=Assignment.Role.CO, status=Assignment.Status.RECEIVED
        ).exclude(countersigns__reply=reply)
        if not missing.exists():
            _submit_for_review(actor, locked)
    refresh(proposal, locked)
    return sign


def reply_approve(*, actor: User, proposal: Proposal, grade: str | None = None, note: str = "") -> WorkflowEvent:
    """The supervisor approves the reply (may change its grade); it reaches the member, who rates it."""
    if grade not in (None, "") and grade not in Reply.Grade.values:
        raise ValidationError({"grade": _("请选择答复类别（A、B 或 C）。")})
    return move_now(actor, proposal, "approve_reply", payload={"grade": grade or ""}, reason=note)


def reply_send_back(*, actor: User, proposal: Proposal, reason: str) -> WorkflowEvent:
    if not (reason or "").strip():
        raise ValidationError({"reason": _("退回答复须说明理由。")})
    return move_now(actor, proposal, "send_back", reason=reason)


LETTER_TYPES = ("pdf", "ofd", "jpg", "jpeg", "png")


def signed_letter_add(*, actor: User, reply: Reply, file: Any) -> SignedLetter:
    """Keep a scanned signed reply letter: the replying unit's own (with its seal, once it has replied) or the copy a
    proposer received on paper (once the reply reached him). PDF, OFD or an image, within the attachment size."""
    limits = settings_for(reply.proposal.organization_id)
    problem = upload_problem(file, allowed=LETTER_TYPES, max_mb=limits.attachment_max_mb)
    if problem:
        raise ValidationError({"file": problem})
    name = os.path.basename(getattr(file, "name", "") or "")
    with transaction.atomic():
        locked = Reply.objects.select_for_update().select_related("proposal", "assignment").get(pk=reply.pk)
        if locked.assignment.unit_id in officer_unit_ids(actor, locked.proposal.organization_id):
            kind = SignedLetter.Kind.UNIT
        elif locked.status == Reply.Status.SENT and is_signer(actor, locked.proposal):
            kind = SignedLetter.Kind.MEMBER
        else:
            raise PermissionDenied(_("只有答复单位或收到答复的提案人可以上传签章答复函。"))
        if locked.status in (Reply.Status.SUPERSEDED, Reply.Status.SENT_BACK):
            raise ValidationError({"file": _("该答复已被取代或退回，不能再上传签章答复函。")})
        letter = SignedLetter.objects.create(
            reply=locked, kind=kind, file=file, name=name[:200], size=getattr(file, "size", 0) or 0, uploaded_by=actor
        )
        audit(actor, "signed_letter_add", locked.proposal, reply=locked.pk, letter=letter.pk, kind=kind)
    return letter
