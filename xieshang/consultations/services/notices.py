"""The daily runs: notices and materials that fell due go to the invited; owners hear of milestones due or missed."""

from __future__ import annotations

from datetime import date, datetime, time
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.audit.services import audit_record
from xieshang.core.services import lock
from xieshang.notifications.replies import Reply
from xieshang.notifications.services import notify
from xieshang.workflow.selectors import state_ids_tagged

from ..models import Consultation, Dispatch, Invitation, Progress
from ..selectors import outcome_owners
from ..workflows import IMPLEMENTING, NOTICES
from .cross_region import outcome_staff


def send_due_dispatches(today: date | None = None) -> int:
    """The daily run: send every notice and set of materials that has fallen due, once. Returns how many."""
    today = today or timezone.localdate()
    sent = 0
    due = Dispatch.objects.filter(
        sent_at__isnull=True, due_on__lte=today, consultation__state_id__in=state_ids_tagged(NOTICES)
    ).select_related("consultation")
    for dispatch in due:
        with transaction.atomic():
            locked = lock(dispatch)
            if locked.sent_at is not None:
                continue
            consultation = dispatch.consultation
            titles = list(consultation.materials.values_list("title", flat=True))
            if dispatch.kind == Dispatch.Kind.MATERIALS and not titles:
                # Nothing to send yet: the dispatch stays due (shown late on the page) until materials are uploaded.
                continue
            people = [i.user for i in consultation.invitations.select_related("user")]
            notify(
                recipients=people,
                kind=f"consultations.{dispatch.kind}",
                title=partial(_dispatch_title, dispatch, consultation),
                body=partial(_dispatch_body, dispatch, consultation, titles),
                url=consultation.get_absolute_url(),
                organization=consultation.organization_id,
                # the notice's SMS can be answered: 1 present, 2 online, until the meeting's day (sms_reply)
                reply=_notice_reply(dispatch, consultation),
            )
            locked.sent_at = timezone.now()
            locked.recipients = len(people)
            locked.save(update_fields=["sent_at", "recipients"])
            audit_record(actor=None, action=f"consultations.{dispatch.kind}_sent", obj=consultation)
            sent += 1
    return sent


MILESTONE_WARN_WORKING_DAYS = 3


def send_milestone_reminders(today: date | None = None) -> int:
    """The daily run for outcomes being carried out: the owners hear that the milestone they set falls due within
    three working days, and the owners and the staff that it was missed. Only the latest progress entry of an
    outcome counts (a later report replaces its milestone); each reminder is sent once. Returns how many."""
    from xieshang.workflow.calendar import working_days_between

    today = today or timezone.localdate()
    sent = 0
    # The latest entry of each outcome being carried out, whose missed-milestone notice is still to come (a warned
    # entry stays a candidate until it is due): one query, however many outcomes and reports there are.
    later = Progress.objects.filter(outcome_id=models.OuterRef("outcome_id"), pk__gt=models.OuterRef("pk"))
    candidates = Progress.objects.filter(
        milestone_due__isnull=False,
        milestone_overdue_at__isnull=True,
        outcome__state_id__in=state_ids_tagged(IMPLEMENTING),
    ).filter(~models.Exists(later))
    for entry in candidates.select_related("outcome", "outcome__consultation", "outcome__topic__room"):
        outcome = entry.outcome
        due = entry.milestone_due
        assert due is not None  # candidates are filtered on milestone_due__isnull=False
        missed = today > due and entry.milestone_overdue_at is None
        warn = (
            not missed
            and entry.milestone_warned_at is None
            and today <= due
            and working_days_between(today, due) <= MILESTONE_WARN_WORKING_DAYS
        )
        if not (missed or warn):
            continue
        with transaction.atomic():
            locked = lock(entry)
            field = "milestone_overdue_at" if missed else "milestone_warned_at"
            if getattr(locked, field) is not None:
                continue
            _tell_milestone(outcome, entry.milestone, due, missed)
            setattr(locked, field, timezone.now())
            locked.save(update_fields=[field])
            sent += 1
    return sent


# A dispatch's text, rendered by notify in each recipient's language.
def _dispatch_title(dispatch: Any, consultation: Any) -> str:
    return _("%(what)s：%(title)s") % {"what": dispatch.get_kind_display(), "title": consultation.title}


def _dispatch_body(dispatch: Any, consultation: Any, titles: list[str]) -> str:
    where = consultation.venue or _("网络会议")
    text = _("会议日期 %(date)s，%(where)s。") % {"date": consultation.planned_date, "where": where}
    if dispatch.kind == Dispatch.Kind.MATERIALS:
        text += _("会议材料：%(titles)s。请登录平台查阅。") % {"titles": "、".join(titles)}
    return text


def _tell_milestone(outcome: Any, milestone: str, due: date, missed: bool) -> None:
    """The owners are asked to report progress; when the milestone was missed, the staff (who are not owners) are
    asked to follow it up. Each is told his own part."""
    kind = "consultations.milestone_overdue" if missed else "consultations.milestone_due"

    def title() -> str:  # rendered in each recipient's language (notifications.services.notify)
        return (_("落实节点已超期：%(m)s") if missed else _("落实节点即将到期：%(m)s")) % {"m": milestone}

    owners = list(outcome_owners(outcome))
    facts = {"title": outcome.title, "due": due}
    notify(
        recipients=owners,
        kind=kind,
        title=title,
        body=lambda: _("%(title)s，节点日期 %(due)s。请及时报告落实进展。") % facts,
        url=outcome.get_absolute_url(),
        organization=outcome.organization_id,
    )
    if missed:
        owner_ids = {u.pk for u in owners}
        notify(
            recipients=[u for u in outcome_staff(outcome) if u.pk not in owner_ids],
            kind=kind,
            title=title,
            body=lambda: _("%(title)s，节点日期 %(due)s。责任方尚未报告落实进展，请督促。") % facts,
            url=outcome.get_absolute_url(),
            organization=outcome.organization_id,
        )


SMS_REPLY_ACTION = "consultations.notice"


def _notice_reply(dispatch: Any, consultation: Any) -> Reply | None:
    if dispatch.kind != Dispatch.Kind.NOTICE:
        return None
    ends = datetime.combine(consultation.planned_date, time(23, 59), tzinfo=timezone.get_current_timezone())
    return Reply(SMS_REPLY_ACTION, consultation.pk, expires_at=ends)


def sms_reply(user: Any, consultation_id: int, option: str) -> str:
    """An invited person's SMS answer to a consultation notice (notifications.replies): register, present (1) or
    online (2), through the same service as the page (its permission: only the invited)."""
    from .invitations import register

    consultation = Consultation.objects.filter(pk=consultation_id).first()
    if consultation is None or not consultation.invitations.filter(user=user).exists():
        raise ValidationError(_("您未被邀请参加该协商活动。"))
    mode = Invitation.Mode.PRESENT if option == "1" else Invitation.Mode.ONLINE
    try:
        register(actor=user, consultation=consultation, mode=mode)
    except PermissionDenied as exc:
        raise ValidationError(str(exc) or _("该协商活动现在不能报名。")) from exc
    return _("已为您报名%(mode)s：%(title)s，%(day)s。") % {
        "mode": Invitation.Mode(mode).label,
        "title": consultation.title,
        "day": consultation.planned_date.isoformat(),
    }


def sms_reply_options() -> dict[str, Any]:
    return {"1": lambda: _("现场参加"), "2": lambda: _("线上参加")}
