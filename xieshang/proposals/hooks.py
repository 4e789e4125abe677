"""Effects of the proposal workflows' transitions (numbering, assignment rows, replies, duty credit …): one public
`on_<transition>(obj, event, payload)` per transition, run by the engine inside the transition's transaction with the
proposal locked and fresh; plus the due-date policy and the notifier. register() hands them to the engine.

Hooks apply the transition's payload to the domain rows and refuse (ValidationError) a payload that names nothing
valid. Duty credit (duty.py) is called from the review outcomes' hooks."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.core.models import next_number
from xieshang.core.names import named
from xieshang.workflow import registry
from xieshang.workflow.calendar import add_working_days, compute_due
from xieshang.workflow.services import object_url, users_for_roles

from . import duty, following, promises, search_wiring
from .models import Assignment, Category, NotFiledGround, Proposal, Rating, Reply
from .notices import transition_messages
from .selectors import (
    categories_for,
    current_replies,
    forget_assignments,
    grounds_for,
    settings_for,
    signers,
    workflow_setting,
)

WORKFLOW_KEYS = ("proposal", "micro_proposal")


def on_submit(obj, event, payload):
    from xieshang.assemblies.selectors import session_for_proposal

    obj.submitted_at = event.at
    # Filed during a session's proposal window: the proposal belongs to that session ("proposals of the fifth
    # session"); micro-proposals, written any time of year, are not. A resubmission keeps its session.
    if obj.session_id is None and not obj.is_micro:
        obj.session_id = getattr(session_for_proposal(obj.organization_id, event.at), "pk", None)
    fields = ["submitted_at", "session"]
    if obj.cosign_deadline is None and not obj.is_micro:
        obj.cosign_deadline = add_working_days(timezone.localdate(event.at), workflow_setting(obj, "cosign_days", 5))
        fields.append("cosign_deadline")
    obj.save(update_fields=fields)


def _record_filed(obj, event, payload):
    obj.outcome = Proposal.Outcome.FILED
    obj.filed_at = event.at
    obj.outcome_reason = event.reason
    obj.save(update_fields=["outcome", "filed_at", "outcome_reason"])


def _record_merged(obj, event, payload):
    try:
        target = Proposal.objects.get(pk=int(payload.get("merge_into")), organization_id=obj.organization_id)
    except (TypeError, ValueError, Proposal.DoesNotExist):
        raise ValidationError({"merge_into": _("请选择本组织的另一件提案作为并入对象。")}) from None
    if target.pk == obj.pk or target.merged_into_id == obj.pk:
        raise ValidationError({"merge_into": _("不能并入自身或已并入本提案的提案。")})
    obj.outcome = Proposal.Outcome.MERGED
    obj.merged_into = target
    obj.outcome_reason = event.reason
    obj.save(update_fields=["outcome", "merged_into", "outcome_reason"])


def _record_converted(obj, event, payload):
    """转为意见建议: the proposal is handed to the opinions pipeline as a report (with its signers as authors and a
    link back to the proposal and its history), in the transition's transaction: if the hand-over fails, the
    proposal stays where it was."""
    from xieshang.opinions import services as opinions

    obj.outcome = Proposal.Outcome.CONVERTED
    obj.outcome_reason = event.reason
    obj.save(update_fields=["outcome", "outcome_reason"])
    opinions.report_from_proposal(actor=event.actor, proposal=obj, authors=signers(obj), note=event.reason)


def _record_not_filed(obj, event, payload):
    try:
        ground = grounds_for(obj.organization_id).get(pk=int(payload.get("ground")))
    except (TypeError, ValueError, NotFiledGround.DoesNotExist):
        raise ValidationError({"ground": _("请从列表中选择不予立案的理由类别。")}) from None
    obj.outcome = Proposal.Outcome.NOT_FILED
    obj.not_filed_ground = ground
    obj.outcome_reason = event.reason
    obj.save(update_fields=["outcome", "not_filed_ground", "outcome_reason"])


def on_classify(obj, event, payload):
    try:
        category = categories_for(obj.organization_id).get(pk=int(payload.get("category")))
    except (TypeError, ValueError, Category.DoesNotExist):
        raise ValidationError({"category": _("请从列表中选择提案类别。")}) from None
    obj.category = category
    obj.save(update_fields=["category"])


def assign_number(obj) -> str:
    """Next number of the organization's year and kind, from the one locked counter (core.models.next_number; the
    unique constraint on the number is the last line: two transactions can never both commit the same number)."""
    seq = next_number(f"proposals.{obj.kind}", obj.organization_id, obj.year)
    limits = settings_for(obj.organization_id)
    pattern = limits.micro_number_format if obj.is_micro else limits.number_format
    obj.seq = seq
    obj.number = pattern.format(year=obj.year, seq=seq)
    obj.save(update_fields=["seq", "number"])
    return obj.number


def on_number(obj, event, payload):
    assign_number(obj)


def on_assign(obj, event, payload):
    forget_assignments(obj)
    now = event.at
    planned = Assignment.objects.filter(proposal_id=obj.pk, status=Assignment.Status.PLANNED)
    for a in planned:
        a.status = Assignment.Status.PENDING
        a.assigned_at = now
        a.receipt_due_on = obj.due_on
        a.needs_reply = a.role != Assignment.Role.CO
        a.save(update_fields=["status", "assigned_at", "receipt_due_on", "needs_reply"])
    obj.assigned_at = obj.assigned_at or now
    obj.save(update_fields=["assigned_at"])


def on_accept(obj, event, payload):
    forget_assignments(obj)
    Assignment.objects.filter(proposal_id=obj.pk, status=Assignment.Status.RETURNED).update(
        status=Assignment.Status.REPLACED
    )
    Assignment.objects.filter(proposal_id=obj.pk, status=Assignment.Status.PLANNED).update(
        status=Assignment.Status.RECEIVED, assigned_at=event.at, received_at=event.at, needs_reply=True
    )
    obj.outcome = Proposal.Outcome.FILED
    obj.filed_at = obj.filed_at or event.at
    obj.assigned_at = event.at
    obj.save(update_fields=["outcome", "filed_at", "assigned_at"])
    if not obj.number:
        assign_number(obj)


def on_submit_for_review(obj, event, payload):
    Reply.objects.filter(proposal_id=obj.pk, round=obj.reply_round, status=Reply.Status.COUNTERSIGNING).update(
        status=Reply.Status.IN_REVIEW
    )


def on_send_back(obj, event, payload):
    forget_assignments(obj)
    replies = Reply.objects.filter(proposal_id=obj.pk, round=obj.reply_round, status=Reply.Status.IN_REVIEW)
    Assignment.objects.filter(pk__in=replies.values("assignment_id")).update(needs_reply=True)
    replies.update(status=Reply.Status.SENT_BACK)
    obj.reply_round += 1
    obj.save(update_fields=["reply_round"])


def on_reply(obj, event, payload):
    _send_replies(obj, event, Reply.Status.COUNTERSIGNING)


def on_approve_reply(obj, event, payload):
    grade = (payload or {}).get("grade") or ""
    _send_replies(obj, event, Reply.Status.IN_REVIEW, grade=grade)


def _send_replies(obj, event, from_status, grade=""):
    publish_days = workflow_setting(obj, "publish_within_days", 20)
    today = timezone.localdate(event.at)
    for reply in Reply.objects.filter(proposal_id=obj.pk, round=obj.reply_round, status=from_status):
        fields = ["status", "sent_at", "publish_due_on"]
        if grade and grade != reply.grade:
            reply.unit_grade = reply.unit_grade or reply.grade
            reply.grade = grade
            fields += ["grade", "unit_grade"]
        reply.status = Reply.Status.SENT
        reply.sent_at = event.at
        reply.publish_due_on = add_working_days(today, publish_days)
        reply.save(update_fields=fields)
        if reply.promise_due_on is not None:
            promises.track(event.actor, reply)
    if obj.replied_at is None:
        obj.replied_at = event.at
        obj.save(update_fields=["replied_at"])


def on_rehandle(obj, event, payload):
    forget_assignments(obj)
    replies = current_replies(obj)
    dissatisfied = set(
        Rating.objects.filter(reply__in=replies, satisfaction=Rating.Satisfaction.DISSATISFIED).values_list(
            "reply__assignment_id", flat=True
        )
    )
    Assignment.objects.filter(pk__in=dissatisfied).update(needs_reply=True, recontacted_at=None, recontact_note="")
    obj.reply_round += 1
    obj.save(update_fields=["reply_round"])


def sync_due(obj: Any, event: Any = None, payload: Any = None) -> None:
    """Copy the proposal's state and due date onto its assignments (the unit inbox filters and sorts by them)."""
    Assignment.objects.filter(proposal_id=obj.pk).exclude(
        Q(proposal_due_on=obj.due_on) & Q(proposal_state_id=obj.state_id)
    ).update(proposal_due_on=obj.due_on, proposal_state_id=obj.state_id)


def on_close(obj, event, payload):
    obj.closed_at = event.at
    obj.save(update_fields=["closed_at"])


def on_return_for_revision(obj, event, payload):
    # The member revises and submits again; a fresh signing period starts then.
    obj.cosign_deadline = None
    obj.save(update_fields=["cosign_deadline"])


def due_policy(obj, state, entered_on, default):
    tags = state.tags or ()
    if "handling" in tags and "rehandling" not in tags and obj.assigned_at and not obj.is_micro:
        # domain.md: the reply is due 3 months after assignment, not after the last unit signed for it.
        default = compute_due(timezone.localdate(obj.assigned_at), state.deadline_amount, state.deadline_unit)
    if obj.fast_track:
        fast = (workflow_setting(obj, "fast_track", {}) or {}).get(state.key)
        if fast:
            shorter = compute_due(entered_on, int(fast[0]), fast[1])
            return min(shorter, default) if default else shorter
    return default


STALE_AFTER_DAYS = 30


def notifier(obj, event):
    # Events recorded with a back-dated clock (imports, the demo's year of history) would only be noise today.
    if event.at < timezone.now() - timedelta(days=STALE_AFTER_DAYS):
        return []
    forget_assignments(obj)
    transition = event.transition
    if transition is None:
        state = obj.state
        roles = state.responsible_roles or []

        def title():  # rendered in each recipient's language (notifications.services.notify)
            due = event.due_on.isoformat() if event.due_on else _("不限")
            return _("《%(title)s》办理期限调整为 %(due)s") % {"title": obj.title, "due": due}

        return [(users_for_roles(obj, roles), title, event.reason, object_url(obj))]
    if not transition.notify:
        return []

    def body():
        text = _("当前状态：%(state)s。") % {"state": named(event.to_state_name)}
        if event.reason:
            text += _("理由：%(reason)s") % {"reason": event.reason}
        if obj.due_on:
            text += _("办理期限：%(due)s。") % {"due": obj.due_on.isoformat()}
        return text

    # Each notified role gets the message written for it (notices.py).
    return transition_messages(obj, event, body, object_url(obj))


# the review outcomes credit the members' duty records (duty.py)


def on_file(obj, event, payload):
    _record_filed(obj, event, payload)
    duty.credit_review_outcome(obj, event, payload)
    duty.credit_filed(obj, event, payload)


def on_merge(obj, event, payload):
    _record_merged(obj, event, payload)
    duty.credit_review_outcome(obj, event, payload)


def on_convert(obj, event, payload):
    _record_converted(obj, event, payload)
    duty.credit_review_outcome(obj, event, payload)


def on_not_file(obj, event, payload):
    _record_not_filed(obj, event, payload)
    duty.credit_review_outcome(obj, event, payload)


def on_micro_not_file(obj, event, payload):
    """A micro-proposal not accepted: no duty credit (micro-proposals are not counted as proposals)."""
    _record_not_filed(obj, event, payload)


HOOKS = {
    "proposal": {
        "submit": on_submit,
        "return_for_revision": on_return_for_revision,
        "file": on_file,
        "merge": on_merge,
        "convert": on_convert,
        "not_file": on_not_file,
        "classify": on_classify,
        "number": on_number,
        "assign": on_assign,
        "submit_for_review": on_submit_for_review,
        "send_back": on_send_back,
        "approve_reply": on_approve_reply,
        "rehandle": on_rehandle,
        "close": on_close,
    },
    "micro_proposal": {
        "submit": on_submit,
        "accept": on_accept,
        "not_file": on_micro_not_file,
        "reply": on_reply,
        "rehandle": on_rehandle,
        "finish_rating": on_close,
    },
}


def register() -> None:
    for workflow_key, hooks in HOOKS.items():
        for transition_key, fn in hooks.items():
            registry.register_hook(workflow_key, transition_key, fn)
    for workflow_key in WORKFLOW_KEYS:
        registry.register_hook(workflow_key, registry.ANY, sync_due)
        registry.register_hook(workflow_key, registry.ANY, search_wiring.after_transition)
        registry.register_hook(workflow_key, registry.ANY, following.moved)
        registry.register_due_policy(workflow_key, registry.ANY, due_policy)
        registry.register_notifier(workflow_key, notifier)
