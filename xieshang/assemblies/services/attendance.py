"""Attendance: a member checks in with the QR code shown at the venue, inside the window around the opening; staff
record attendance by hand; a member asks for leave before the opening and staff decide. Attending credits the
member's duty file (credit.py), dated at the meeting. A second check-in or record changes nothing and credits nothing
more."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from xieshang.audit.services import audit_record
from xieshang.core.windows import Window, around

from ..models import Attendance, Session
from ._base import lock, must_be_open, now, refresh, require, started, tell, text_error, when
from .credit import credit_attendance

CHECKIN_SALT = "xieshang.assemblies.checkin"
Status = Attendance.Status


def checkin_token(session: Session) -> str:
    """The code the venue's QR carries. It names the session only; the window comes from the session."""
    return signing.Signer(salt=CHECKIN_SALT).sign(str(session.pk))


def checkin_session(token: str) -> Session:
    """The session a check-in code names, or a ValidationError saying why the code is refused."""
    try:
        pk = int(signing.Signer(salt=CHECKIN_SALT).unsign(token))
    except (signing.BadSignature, ValueError):
        raise ValidationError({"code": _("签到码无效，请扫描会场显示的二维码。")}) from None
    session = Session.objects.filter(pk=pk).first()
    if session is None:
        raise ValidationError({"code": _("签到码无效，请扫描会场显示的二维码。")})
    return session


def checkin_window(session: Session) -> Window:
    """The check-in window around the opening (core.windows, the one rule for every check-in), with the session's
    own minutes."""
    return around(
        session.starts_at,
        session.starts_at,
        before_minutes=session.checkin_before_minutes,
        after_minutes=session.checkin_after_minutes,
    )


def _attend(attendance: Attendance, *, actor: Any, recorded_by: Any = None, at: datetime | None = None) -> None:
    locked = lock(attendance)
    if locked.status == Status.ATTENDED:
        refresh(attendance, locked)
        return
    locked.status = Status.ATTENDED
    locked.checked_in_at = at
    locked.recorded_by = recorded_by
    locked.save(update_fields=["status", "checked_in_at", "recorded_by"])
    refresh(attendance, locked)
    credit_attendance(attendance, actor=actor)


def attendance_check_in(*, actor: Any, token: str) -> Attendance:
    session = checkin_session(token)
    attendance = session.attendances.select_related("member").filter(member=actor).first()
    if attendance is None:
        raise ValidationError({"code": _("您不在本次会议的出席名单中，此签到码不适用于您。")})
    require(actor, "assemblies.check_in", attendance)
    attendance.session = session
    if attendance.status == Status.ATTENDED:
        return attendance
    if session.state != Session.State.OPEN:
        raise ValidationError({"code": _("会议%(state)s，不能签到。") % {"state": session.get_state_display()}})
    opens, closes = checkin_window(session)
    moment = now()
    if not opens <= moment <= closes:
        raise ValidationError(
            {
                "code": _("现在不在签到时间内：本次会议的签到时间为 %(opens)s 至 %(closes)s。")
                % {"opens": when(opens), "closes": when(closes)}
            }
        )
    with transaction.atomic():
        _attend(attendance, actor=actor, at=moment)
        audit_record(actor=actor, action="assemblies.check_in", obj=session)
    return attendance


def attendance_record(*, actor: Any, attendance: Attendance, attended: bool) -> Attendance:
    """Staff record that the member attended (credited as a check-in is) or was absent (the penalty is credited at
    the close). An attendance already credited is not turned into an absence."""
    session = attendance.session
    require(actor, "assemblies.record_attendance", session)
    must_be_open(session, _("登记出勤"))
    if now() < checkin_window(session)[0]:
        raise ValidationError(_("会议尚未开始签到，不能登记出勤。"))
    with transaction.atomic():
        if attended:
            _attend(attendance, actor=actor, recorded_by=actor)
        else:
            locked = lock(attendance)
            if locked.status == Status.ATTENDED:
                raise ValidationError(_("%(name)s 已出席并记入履职档案，不能改为缺席。") % {"name": attendance.member})
            if locked.status != Status.ABSENT:
                locked.status = Status.ABSENT
                locked.recorded_by = actor
                locked.save(update_fields=["status", "recorded_by"])
            refresh(attendance, locked)
        audit_record(
            actor=actor,
            action="assemblies.record_attendance",
            obj=session,
            detail={"member": attendance.member_id, "attended": attended},
        )
    return attendance


def attendance_request_leave(*, actor: Any, attendance: Attendance, reason: str) -> Attendance:
    """Ask for leave with a reason, before the opening; refused once the session has started."""
    require(actor, "assemblies.request_leave", attendance)
    session = attendance.session
    must_be_open(session, _("请假"))
    if started(session):
        raise ValidationError(
            _("会议已于 %(t)s 开幕，不能再请假；如确有原因请联系会务组。") % {"t": when(session.starts_at)}
        )
    if message := text_error(reason, 200, _("请假理由")):
        raise ValidationError({"reason": message})
    with transaction.atomic():
        locked = lock(attendance)
        if locked.status not in (Status.INVITED, Status.LEAVE_REFUSED):
            raise ValidationError(_("您当前为“%(status)s”，不能请假。") % {"status": locked.get_status_display()})
        locked.status = Status.LEAVE_REQUESTED
        locked.leave_reason = reason.strip()
        locked.leave_decided_by = None
        locked.leave_decided_at = None
        locked.save(update_fields=["status", "leave_reason", "leave_decided_by", "leave_decided_at"])
        refresh(attendance, locked)
        audit_record(actor=actor, action="assemblies.request_leave", obj=session)
    return attendance


def attendance_decide_leave(*, actor: Any, attendance: Attendance, approve: bool) -> Attendance:
    require(actor, "assemblies.decide_leave", attendance)
    session = attendance.session
    with transaction.atomic():
        locked = lock(attendance)
        if locked.status != Status.LEAVE_REQUESTED:
            raise ValidationError(_("该委员没有待审批的请假。"))
        locked.status = Status.LEAVE_APPROVED if approve else Status.LEAVE_REFUSED
        locked.leave_decided_by = actor
        locked.leave_decided_at = now()
        locked.save(update_fields=["status", "leave_decided_by", "leave_decided_at"])
        refresh(attendance, locked)
        tell(
            [attendance.member],
            kind="leave",
            title=lambda: (
                (_("请假已批准：%(title)s") if approve else _("请假未获批准：%(title)s")) % {"title": session.title}
            ),
            body=lambda: "" if approve else _("请按时出席会议。"),
            session=session,
        )
        audit_record(
            actor=actor,
            action="assemblies.decide_leave",
            obj=session,
            detail={"member": attendance.member_id, "approve": approve},
        )
    return attendance


SMS_REPLY_ACTION = "assemblies.notice"


def sms_reply(user: Any, session_id: int, option: str) -> str:
    """A member's SMS answer to a session's notice (notifications.replies): 1 asks for leave, through the page's
    service and its rules (before the opening; the leave waits for the conference office's decision)."""
    attendance = Attendance.objects.select_related("session").filter(session_id=session_id, member=user).first()
    if attendance is None:
        raise ValidationError(_("您不在该会议的出席名单中。"))
    attendance_request_leave(actor=user, attendance=attendance, reason=_("短信回复请假"))
    return _("已提交请假申请：%(title)s，待会务组审批。") % {"title": attendance.session.title}


def sms_reply_options() -> dict[str, Any]:
    return {"1": lambda: _("请假")}
