"""Public calls (征集) before a consultation: staff open a call on a question; residents and members write entries
until the deadline and support each other's; staff moderate what is written (a queue, reasons the author sees, one
appeal, an audit row per decision, a blocklist of words kept as data); a summary of what was received goes into the
consultation's materials as a Word document.

Rate limits are core.limits' "resident_post" rule (per account and per client address), the same budget as the
topics residents raise in community rooms: one bound on what a resident writes, wherever."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xieshang.audit.context import current_ip
from xieshang.audit.services import audit_record
from xieshang.core import limits
from xieshang.core.services import lock, require, text_error
from xieshang.moderation import selectors as moderation
from xieshang.notifications.services import notify

from .. import following, selectors
from ..models import Call, Consultation, Entry, EntrySupport, Material
from ._base import NOT_PERMITTED
from .meeting import material_add

if TYPE_CHECKING:
    from xieshang.accounts.models import User

ENTRY_MIN_CHARS = 5
ENTRY_MAX_CHARS = 1000
REASON_MAX_CHARS = 300
APPEAL_MAX_CHARS = 500
QUESTION_MAX_CHARS = 200

# decision → (the statuses it applies to, the status it leads to)
DECISIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "approve": ((Entry.Status.PENDING,), Entry.Status.PUBLISHED),
    "reject": ((Entry.Status.PENDING,), Entry.Status.REJECTED),
    "hide": ((Entry.Status.PUBLISHED,), Entry.Status.HIDDEN),
}
DECISION_LABELS = {
    "approve": gettext_lazy("通过并公开"),
    "reject": gettext_lazy("不予通过"),
    "hide": gettext_lazy("隐藏"),
}


def call_open(
    *,
    actor: User,
    consultation: Consultation,
    question: str,
    kind: str,
    opens_at: datetime,
    closes_at: datetime,
    moderation: str,
    description: str = "",
) -> Call:
    """A call attached to a consultation that has not yet been held."""
    require(actor, "consultations.open_call", consultation, _("只能在协商活动召开前、由主办方工作人员发起征集。"))
    question = (question or "").strip()
    errors: dict[str, str] = {}
    problem = text_error(question, QUESTION_MAX_CHARS, _("征集问题"))
    if problem:
        errors["question"] = problem
    if kind not in Call.Kind.values:
        errors["kind"] = _("请选择征集类型。")
    if moderation not in Call.Moderation.values:
        errors["moderation"] = _("请选择审核方式。")
    if opens_at is None:
        errors["opens_at"] = _("请填写开始时间。")
    if closes_at is None:
        errors["closes_at"] = _("请填写截止时间。")
    elif opens_at is not None and closes_at <= opens_at:
        errors["closes_at"] = _("截止时间应晚于开始时间。")
    elif closes_at <= timezone.now():
        errors["closes_at"] = _("截止时间已过，请选择以后的时间。")
    if len(description or "") > 2000:
        errors["description"] = _("征集说明最多 2000 字。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        call = Call.objects.create(
            consultation=consultation,
            organization_id=consultation.organization_id,
            kind=kind,
            question=question,
            description=(description or "").strip(),
            opens_at=opens_at,
            closes_at=closes_at,
            moderation=moderation,
            created_by=actor,
        )
        audit_record(actor=actor, action="consultations.call_open", obj=call)
    return call


def deadline_refusal(call: Call, now: datetime | None = None) -> str:
    """ "" while the call takes entries; otherwise why not, with the date."""
    now = now or timezone.now()
    if now < call.opens_at:
        when = timezone.localtime(call.opens_at).strftime("%Y-%m-%d %H:%M")
        return _("本次征集将于 %(t)s 开始，届时再提交。") % {"t": when}
    if now >= call.closes_at:
        when = timezone.localtime(call.closes_at).strftime("%Y-%m-%d %H:%M")
        return _("本次征集已于 %(t)s 截止，不再接收留言。您填写的内容没有提交，仍保留在下方。") % {"t": when}
    return ""


def blocklist_matches(text: str, organization_id: int | None) -> list[str]:
    """The blocklist words found in the text (moderation.selectors: one blocklist for everything residents write)."""
    return moderation.blocklist_matches(text, organization_id)


def entry_submit(*, actor: User, call: Call, text: str) -> Entry:
    """A resident's or member's entry. Under pre-moderation, and whenever it matches the blocklist, it waits for
    staff; under post-moderation it is published at once."""
    require(actor, "consultations.answer_call", call, _("只有本组织的居民和委员可以参与征集，请先登录居民或委员账号。"))
    refusal = deadline_refusal(call)
    if refusal:
        raise ValidationError({"text": refusal})
    text = (text or "").strip()
    problem = text_error(text, ENTRY_MAX_CHARS, _("留言内容"))
    if problem is None and len(text) < ENTRY_MIN_CHARS:
        problem = _("留言内容至少 %(n)d 字，请把意见写清楚。") % {"n": ENTRY_MIN_CHARS}
    if problem:
        raise ValidationError({"text": problem})
    flood = limits.hit("resident_post", account=actor.pk, address=current_ip.get())
    if flood:
        raise ValidationError({"text": limits.wait_text(flood)})
    screening = moderation.screen(text, call.organization_id, mode=call.moderation)
    flagged, published = screening.words, not screening.held
    with transaction.atomic():
        entry = Entry.objects.create(
            call=call,
            author=actor,
            text=text,
            status=Entry.Status.PUBLISHED if published else Entry.Status.PENDING,
            flagged=screening.flagged,
        )
        audit_record(
            actor=actor,
            action="consultations.entry_submit",
            obj=entry,
            organization=call.organization_id,
            detail={"status": entry.status, "flagged": flagged},
        )
        if published:
            following.entry_published(call, entry, actor)
    return entry


def entry_support(*, actor: User, entry: Entry) -> EntrySupport:
    """One support per person for a published entry, not one's own."""
    if entry.author_id == actor.pk:
        raise ValidationError(_("这是您写的留言，不能再为它表示支持。"))
    require(actor, "consultations.support_entry", entry, _("只有本组织的居民和委员可以支持已公开的留言。"))
    if deadline_refusal(entry.call):
        raise ValidationError(_("本次征集已截止，不能再表示支持。"))
    if entry.supports.filter(user=actor).exists():
        raise ValidationError(_("您已经支持过这条留言，每人只能支持一次。"))
    flood = limits.hit("resident_support", account=actor.pk, address=current_ip.get())
    if flood:
        raise ValidationError(limits.wait_text(flood))
    try:
        with transaction.atomic():
            support = EntrySupport.objects.create(entry=entry, user=actor)
            Entry.objects.filter(pk=entry.pk).update(support_count=F("support_count") + 1)
            audit_record(
                actor=actor, action="consultations.entry_support", obj=entry, organization=entry.call.organization_id
            )
    except IntegrityError:
        raise ValidationError(_("您已经支持过这条留言，每人只能支持一次。")) from None
    entry.support_count += 1
    return support


def entry_moderate(*, actor: User, entry: Entry, decision: str, reason: str = "") -> Entry:
    """Approve (publish), reject or hide an entry. Rejecting and hiding need a reason, which the author sees. One
    audit row per decision."""
    require(actor, "consultations.moderate_call", entry, NOT_PERMITTED)
    if decision not in DECISIONS:
        raise ValidationError({"decision": _("请选择处理方式。")})
    reason = (reason or "").strip()
    if decision != "approve" and not reason:
        raise ValidationError({"reason": _("不予通过或隐藏时须填写理由，留言人会看到这一理由。")})
    if len(reason) > REASON_MAX_CHARS:
        raise ValidationError({"reason": _("理由最多 %(n)d 字。") % {"n": REASON_MAX_CHARS}})
    sources, target = DECISIONS[decision]
    with transaction.atomic():
        locked = lock(entry)
        if locked.status not in sources:
            raise ValidationError(
                _("这条留言已由他人处理（现为“%(s)s”），请刷新后再看。") % {"s": locked.get_status_display()}
            )
        before = locked.status
        locked.status = target
        locked.reason = reason if decision != "approve" else ""
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "reason", "decided_by", "decided_at"])
        audit_record(
            actor=actor,
            action=f"consultations.entry_{decision}",
            obj=locked,
            organization=entry.call.organization_id,
            detail={"from": before, "to": target, "reason": reason, "appeal": bool(locked.appealed_at)},
        )
        call = entry.call
        if target == Entry.Status.PUBLISHED:
            following.entry_published(call, locked, actor)

        def title() -> str:
            if decision == "approve":
                return _("您在“%(q)s”征集中的留言已公开。") % {"q": call.question}
            values = {"q": call.question, "d": DECISION_LABELS[decision], "r": reason}
            return _("您在“%(q)s”征集中的留言%(d)s：%(r)s") % values

        notify(
            recipients=[entry.author],
            kind="consultations.entry_decided",
            title=title,
            url=call.get_absolute_url(),
            organization=call.organization_id,
        )
    for field in ("status", "reason", "decided_by_id", "decided_at"):
        setattr(entry, field, getattr(locked, field))
    return entry


def entry_appeal(*, actor: User, entry: Entry, text: str) -> Entry:
    """The author of a rejected or hidden entry asks once for another look: it goes back to the queue."""
    require(actor, "consultations.appeal_entry", entry, NOT_PERMITTED)
    text = (text or "").strip()
    problem = text_error(text, APPEAL_MAX_CHARS, _("申诉理由"))
    if problem:
        raise ValidationError({"appeal": problem})
    flood = limits.hit("resident_post", account=actor.pk, address=current_ip.get())
    if flood:
        raise ValidationError({"appeal": limits.wait_text(flood)})
    with transaction.atomic():
        locked = lock(entry)
        if locked.appealed_at is not None:
            raise ValidationError({"appeal": _("每条留言只能申诉一次，您已申诉过。")})
        if locked.status not in (Entry.Status.REJECTED, Entry.Status.HIDDEN):
            raise ValidationError({"appeal": _("只有未通过或被隐藏的留言可以申诉。")})
        locked.appeal = text
        locked.appealed_at = timezone.now()
        locked.status = Entry.Status.PENDING
        locked.save(update_fields=["appeal", "appealed_at", "status"])
        audit_record(
            actor=actor, action="consultations.entry_appeal", obj=locked, organization=entry.call.organization_id
        )
    entry.appeal, entry.appealed_at, entry.status = locked.appeal, locked.appealed_at, locked.status
    return entry


def call_summary_attach(*, actor: User, call: Call) -> Material:
    """A Word summary of what the call received (counts by status, the most supported entries, no names) added to
    the consultation's materials; the call keeps a link to the latest one."""
    from .call_summary import summary_docx

    require(actor, "consultations.moderate_call", call, NOT_PERMITTED)
    summary = selectors.call_summary(call)
    summary["map"] = selectors.call_map_digest(call)
    content = summary_docx(call, summary)
    stamp = timezone.localtime().strftime("%Y%m%d%H%M")
    upload = SimpleUploadedFile(f"call-{call.pk}-summary-{stamp}.docx", content)
    with transaction.atomic():
        material = material_add(
            actor=actor,
            consultation=call.consultation,
            title=(_("征集情况汇总：%(q)s") % {"q": call.question})[:120],
            upload=upload,
        )
        Call.objects.filter(pk=call.pk).update(summary=material)
        call.summary = material
        audit_record(actor=actor, action="consultations.call_summary", obj=call)
    return material


def call_map_attach(*, actor: User, call: Call, conversation: Any) -> Call:
    """An opinion map (a deliberation conversation of the call's organization) attached to the call, or detached
    (None): its groups and consensus go into the call's summary. One audit row."""
    require(actor, "consultations.moderate_call", call, NOT_PERMITTED)
    if conversation is not None and conversation.organization_id != call.organization_id:
        raise ValidationError({"conversation": _("只能关联本组织的意见征集。")})
    with transaction.atomic():
        before = call.conversation_id
        Call.objects.filter(pk=call.pk).update(conversation=conversation)
        call.conversation = conversation
        audit_record(
            actor=actor,
            action="consultations.call_map",
            obj=call,
            detail={"from": before, "to": getattr(conversation, "pk", None)},
        )
    return call
