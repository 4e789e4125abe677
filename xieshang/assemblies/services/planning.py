"""Planning a session: create it (kind, term and number, dates, the proposal window), invite the members it is for,
publish the notice, and close it after the meeting (whoever neither attended nor was excused is recorded absent and
bears the duty rules' penalty)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from xieshang.audit.services import audit_record

from ..models import Attendance, Session
from ._base import Reply, eligible_members, lock, now, refresh, require, tell, text_error, when
from .attendance import SMS_REPLY_ACTION
from .credit import credit_absence

State = Session.State
Status = Attendance.Status


def _check_fields(
    organization: Any,
    kind: str,
    term: int | None,
    number: int | None,
    title: str,
    starts_at: datetime | None,
    ends_at: datetime | None,
    proposals_from: date | None,
    proposals_until: date | None,
) -> None:
    errors: dict[str, str] = {}
    if kind not in Session.Kind.values:
        errors["kind"] = _("请选择会议类型。")
    if not term or term < 1:
        errors["term"] = _("请填写届次（正整数）。")
    if not number or number < 1:
        errors["number"] = _("请填写会次（正整数）。")
    elif term and Session.objects.filter(organization=organization, kind=kind, term=term, number=number).exists():
        errors["number"] = _("第 %(term)d 届第 %(number)d 次会议已存在。") % {"term": term, "number": number}
    if message := text_error(title, 120, _("会议名称")):
        errors["title"] = message
    if starts_at is None:
        errors["starts_at"] = _("请填写开幕时间。")
    if ends_at is None:
        errors["ends_at"] = _("请填写闭幕时间。")
    elif starts_at is not None and ends_at <= starts_at:
        errors["ends_at"] = _("闭幕时间应晚于开幕时间。")
    if (proposals_from is None) != (proposals_until is None):
        errors["proposals_until"] = _("提案征集的开始和截止日期须同时填写，或都留空。")
    elif proposals_from is not None and proposals_until is not None and proposals_until < proposals_from:
        errors["proposals_until"] = _("提案征集截止日期不能早于开始日期。")
    if errors:
        raise ValidationError(errors)


def session_create(
    *,
    actor: Any,
    organization: Any,
    kind: str,
    term: int | None,
    number: int | None,
    title: str,
    starts_at: datetime | None,
    ends_at: datetime | None,
    place: str = "",
    proposals_from: date | None = None,
    proposals_until: date | None = None,
) -> Session:
    require(actor, "assemblies.add_session", organization)
    _check_fields(organization, kind, term, number, title, starts_at, ends_at, proposals_from, proposals_until)
    assert term is not None and number is not None and starts_at is not None and ends_at is not None
    with transaction.atomic():
        session = Session.objects.create(
            organization=organization,
            kind=kind,
            term=term,
            number=number,
            title=title.strip(),
            place=(place or "").strip()[:120],
            starts_at=starts_at,
            ends_at=ends_at,
            proposals_from=proposals_from,
            proposals_until=proposals_until,
            created_by=actor,
        )
        audit_record(actor=actor, action="assemblies.create", obj=session, organization=organization)
    return session


def _notice(session: Session, attendances: list[Attendance]) -> None:
    tell(
        [a.member for a in attendances],
        kind="notice",
        title=lambda: _("会议通知：%(title)s") % {"title": session.title},
        body=lambda: (
            _("%(t)s 开幕，%(place)s。不能出席的请在平台上请假。")
            % {"t": when(session.starts_at), "place": session.place or "-"}
        ),
        session=session,
        # the SMS copy can be answered: 1 asks for leave, until the opening (attendance.sms_reply)
        reply=Reply(SMS_REPLY_ACTION, session.pk, expires_at=session.starts_at),
    )


def session_invite(*, actor: Any, session: Session) -> list[Attendance]:
    """Invite everyone the session is for (all members to a plenary, the standing members to a standing meeting)
    who is not invited yet; an announced session notifies the newly invited at once. Returns the new rows."""
    require(actor, "assemblies.invite", session)
    with transaction.atomic():
        locked = lock(session)
        if locked.state == State.CLOSED:
            raise ValidationError(_("会议已闭会，不能再邀请。"))
        invited = set(locked.attendances.values_list("member_id", flat=True))
        created = Attendance.objects.bulk_create(
            [
                Attendance(session=locked, organization_id=locked.organization_id, member=member)
                for member in eligible_members(locked)
                if member.pk not in invited
            ]
        )
        refresh(session, locked)
        audit_record(actor=actor, action="assemblies.invite", obj=session, detail={"count": len(created)})
        if session.state == State.OPEN and created:
            _notice(session, created)
    return created


def session_publish(*, actor: Any, session: Session) -> Session:
    """Invite whoever is missing and send the notice to everyone invited; leave requests and speeches open."""
    require(actor, "assemblies.publish", session)
    with transaction.atomic():
        locked = lock(session)
        if locked.state != State.PLANNED:
            raise ValidationError(_("只有筹备中的会议可以发出通知。"))
        if now() >= locked.starts_at:
            raise ValidationError(_("会议开幕时间已过，不能再发通知。"))
        session_invite(actor=actor, session=locked)
        if not locked.attendances.exists():
            raise ValidationError(_("本组织还没有应出席的委员，不能发出通知。"))
        locked.state = State.OPEN
        locked.save(update_fields=["state"])
        refresh(session, locked)
        _notice(session, list(session.attendances.select_related("member")))
        audit_record(actor=actor, action="assemblies.publish", obj=session)
    return session


def absences_record(*, actor: Any, session: Session) -> int:
    """Whoever was invited and neither attended nor was excused is absent, with the penalty credited once (a
    second run changes nothing and credits nothing more); returns how many members are absent."""
    session.attendances.filter(status__in=[Status.INVITED, Status.LEAVE_REFUSED]).update(
        status=Status.ABSENT, recorded_by=actor
    )
    absent = list(session.attendances.filter(status=Status.ABSENT).select_related("member"))
    for attendance in absent:
        attendance.session = session
        credit_absence(attendance, actor=actor)
    return len(absent)


def session_close(*, actor: Any, session: Session) -> Session:
    """After the opening: close the session and record the absences (see absences_record). Refused while leave
    requests wait for a decision, so nobody is penalized for a request staff did not answer."""
    require(actor, "assemblies.close", session)
    with transaction.atomic():
        locked = lock(session)
        if locked.state != State.OPEN:
            raise ValidationError(_("只有已发通知的会议可以闭会。"))
        if now() < locked.starts_at:
            raise ValidationError(_("会议尚未开幕，不能闭会。"))
        pending = locked.attendances.filter(status=Status.LEAVE_REQUESTED).count()
        if pending:
            raise ValidationError(_("还有 %(n)d 份请假待审批，请先审批再闭会。") % {"n": pending})
        locked.state = State.CLOSED
        locked.closed_at = now()
        locked.save(update_fields=["state", "closed_at"])
        refresh(session, locked)
        absences = absences_record(actor=actor, session=session)
        audit_record(actor=actor, action="assemblies.close", obj=session, detail={"absent": absences})
    return session
