"""Attendance: a member checks in with the QR code shown at the venue, inside the kind's window around the start;
staff record attendance or absence by hand. Attending credits the member's duty file (credit.py), dated at the
activity. Both are idempotent: a second check-in or record changes nothing and credits nothing more."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from xieshang.audit.services import audit_record
from xieshang.core.names import named
from xieshang.core.windows import Window, around

from ..models import Activity, Participation
from ._base import lock, now, refresh, require
from .credit import credit_attendance

if TYPE_CHECKING:
    from xieshang.accounts.models import User

CHECKIN_SALT = "xieshang.activities.checkin"
Status = Participation.Status
ATTENDABLE = (Activity.State.OPEN, Activity.State.HELD)


def checkin_token(activity: Activity) -> str:
    """The code the venue's QR carries. It names the activity only; the window comes from the activity's kind."""
    return signing.Signer(salt=CHECKIN_SALT).sign(str(activity.pk))


def checkin_activity(token: str) -> Activity:
    """The activity a check-in code names, or a ValidationError saying why the code is refused."""
    try:
        pk = int(signing.Signer(salt=CHECKIN_SALT).unsign(token))
    except (signing.BadSignature, ValueError):
        raise ValidationError({"code": _("签到码无效，请扫描活动现场显示的二维码。")}) from None
    activity = Activity.objects.select_related("kind").filter(pk=pk).first()
    if activity is None:
        raise ValidationError({"code": _("签到码无效，请扫描活动现场显示的二维码。")})
    return activity


def checkin_window(activity: Activity) -> Window:
    """The kind's window around the start (core.windows, shared with consultations)."""
    kind = activity.kind
    return around(
        activity.starts_at,
        activity.starts_at,
        before_minutes=kind.checkin_before_minutes,
        after_minutes=kind.checkin_after_minutes,
    )


def _attend(
    participation: Participation, *, actor: User, recorded_by: Any = None, at: datetime | None = None
) -> Participation:
    """Mark attended and credit, on a locked participation; returns it (already attended: unchanged)."""
    locked = lock(participation)
    if locked.status == Status.ATTENDED:
        return refresh(participation, locked)
    locked.status = Status.ATTENDED
    locked.checked_in_at = at
    locked.recorded_by = recorded_by
    locked.save(update_fields=["status", "checked_in_at", "recorded_by"])
    refresh(participation, locked)
    credit_attendance(participation, actor=actor)
    return participation


def participation_check_in(*, actor: User, token: str) -> Participation:
    activity = checkin_activity(token)
    participation = activity.participations.select_related("member").filter(member=actor).first()
    if participation is None:
        raise ValidationError({"code": _("您不在本次活动的邀请名单中，此签到码不适用于您。")})
    require(actor, "activities.check_in", participation)
    participation.activity = activity
    if participation.status == Status.ATTENDED:
        return participation
    if activity.state not in ATTENDABLE:
        raise ValidationError({"code": _("活动%(state)s，不能签到。") % {"state": activity.get_state_display()}})
    moment = now()
    refusal = checkin_window(activity).refusal(moment)
    if refusal:
        raise ValidationError({"code": refusal})
    with transaction.atomic():
        _attend(participation, actor=actor, at=moment)
        audit_record(actor=actor, action="activities.check_in", obj=activity)
    return participation


def attendance_record(*, actor: User, participation: Participation, attended: bool) -> Participation:
    """Staff record that the member attended (credited as a check-in is) or was absent. An attendance already
    credited is not turned into an absence here."""
    activity = participation.activity
    require(actor, "activities.record_attendance", activity)
    if activity.state not in ATTENDABLE:
        raise ValidationError(_("活动%(state)s，不能登记出勤。") % {"state": activity.get_state_display()})
    opens, _closes = checkin_window(activity)
    if now() < opens:
        raise ValidationError(_("活动尚未开始，不能登记出勤。"))
    with transaction.atomic():
        if attended:
            _attend(participation, actor=actor, recorded_by=actor)
        else:
            locked = lock(participation)
            if locked.status == Status.ATTENDED:
                raise ValidationError(
                    _("%(name)s 已出席并记入履职档案，不能改为缺席。") % {"name": participation.member}
                )
            if locked.status == Status.LEAVE_APPROVED:
                raise ValidationError(_("%(name)s 已准假，不计为缺席。") % {"name": participation.member})
            if locked.status != Status.ABSENT:
                locked.status = Status.ABSENT
                locked.recorded_by = actor
                locked.save(update_fields=["status", "recorded_by"])
            refresh(participation, locked)
        audit_record(
            actor=actor,
            action="activities.record_attendance",
            obj=activity,
            detail={"member": participation.member_id, "attended": attended},
        )
    return participation


def amounts_record(
    *,
    actor: User,
    participation: Participation,
    donation_money: Decimal | None = None,
    donation_goods: Decimal | None = None,
    volunteer_hours: Decimal | None = None,
    donation_mobilised: Decimal | None = None,
) -> Participation:
    """Donations and volunteer hours of one participant, where the activity's kind uses them."""
    require(actor, "activities.record_amounts", participation)
    kind = participation.activity.kind
    errors: dict[str, str] = {}
    values = {
        "donation_money": donation_money,
        "donation_goods": donation_goods,
        "volunteer_hours": volunteer_hours,
        "donation_mobilised": donation_mobilised,
    }
    for name, value in values.items():
        if value is not None and value < 0:
            errors[name] = _("不能为负数。")
    if not kind.uses_donation and any(v is not None for v in (donation_money, donation_goods, donation_mobilised)):
        errors["donation_money"] = _("“%(kind)s”类活动不登记捐款捐物。") % {"kind": named(kind.name)}
    if not kind.uses_volunteer and volunteer_hours is not None:
        errors["volunteer_hours"] = _("“%(kind)s”类活动不登记志愿服务时长。") % {"kind": named(kind.name)}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = lock(participation)
        for name, value in values.items():
            setattr(locked, name, value)
        locked.save(update_fields=list(values))
        refresh(participation, locked)
        audit_record(
            actor=actor,
            action="activities.amounts",
            obj=participation.activity,
            detail={"member": participation.member_id, **{k: str(v) for k, v in values.items() if v is not None}},
        )
    return participation
