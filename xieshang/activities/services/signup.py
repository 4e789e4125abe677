"""A member's answer to an invitation: sign up (within the limit), ask for leave with a reason (before the start);
staff approve or refuse the leave request."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from xieshang.audit.services import audit_record

from ..models import Activity, Participation
from ._base import lock, not_started, now, refresh, require, tell, text_error, when

if TYPE_CHECKING:
    from xieshang.accounts.models import User

Status = Participation.Status


def _open(activity: Activity, what: str) -> None:
    if activity.state != Activity.State.OPEN:
        raise ValidationError(
            _("活动%(state)s，不能%(what)s。") % {"state": activity.get_state_display(), "what": what}
        )


def participation_sign_up(*, actor: User, participation: Participation) -> Participation:
    require(actor, "activities.sign_up", participation)
    if participation.status == Status.SIGNED_UP:
        return participation
    with transaction.atomic():
        # The activity's row lock serializes sign-ups, so two members cannot both take the last place.
        activity = lock(participation.activity)
        _open(activity, _("报名"))
        if message := not_started(activity, _("活动已开始，报名已截止。")):
            raise ValidationError(message)
        locked = lock(participation)
        if locked.status == Status.SIGNED_UP:
            return refresh(participation, locked)
        if locked.status not in (Status.INVITED, Status.LEAVE_APPROVED):
            raise ValidationError(_("您当前为“%(status)s”，不能报名。") % {"status": locked.get_status_display()})
        taken = activity.participations.filter(status__in=Participation.HOLDS_PLACE).count()
        if activity.signup_limit is not None and taken >= activity.signup_limit:
            raise ValidationError(_("报名人数已满（上限 %(n)d 人）。") % {"n": activity.signup_limit})
        locked.status = Status.SIGNED_UP
        locked.signed_up_at = now()
        locked.save(update_fields=["status", "signed_up_at"])
        refresh(participation, locked)
        audit_record(actor=actor, action="activities.sign_up", obj=activity)
    return participation


def participation_request_leave(*, actor: User, participation: Participation, reason: str) -> Participation:
    require(actor, "activities.request_leave", participation)
    errors: dict[str, str] = {}
    if message := text_error(reason, 200, _("请假理由")):
        errors["reason"] = message
    with transaction.atomic():
        activity = participation.activity
        _open(activity, _("请假"))
        if message := not_started(activity, _("活动已开始，不能再请假；如确有原因请联系组织方。")):
            raise ValidationError(message)
        if errors:
            raise ValidationError(errors)
        locked = lock(participation)
        if locked.status not in (Status.INVITED, Status.SIGNED_UP, Status.LEAVE_REFUSED):
            raise ValidationError(_("您当前为“%(status)s”，不能请假。") % {"status": locked.get_status_display()})
        locked.status = Status.LEAVE_REQUESTED
        locked.leave_reason = reason.strip()
        locked.leave_decided_by = None
        locked.leave_decided_at = None
        locked.save(update_fields=["status", "leave_reason", "leave_decided_by", "leave_decided_at"])
        refresh(participation, locked)
        # The organizer who planned the activity decides; the leave requests also wait on staff's workbench.
        tell(
            [activity.created_by],
            kind="leave_requested",
            title=lambda: _("%(name)s 请假：%(title)s") % {"name": participation.member, "title": activity.title},
            body=participation.leave_reason,
            activity=activity,
        )
        audit_record(actor=actor, action="activities.request_leave", obj=activity)
    return participation


def participation_decide_leave(*, actor: User, participation: Participation, approve: bool) -> Participation:
    require(actor, "activities.decide_leave", participation)
    with transaction.atomic():
        locked = lock(participation)
        if locked.status != Status.LEAVE_REQUESTED:
            raise ValidationError(_("该委员没有待审批的请假。"))
        locked.status = Status.LEAVE_APPROVED if approve else Status.LEAVE_REFUSED
        locked.leave_decided_by = actor
        locked.leave_decided_at = now()
        locked.save(update_fields=["status", "leave_decided_by", "leave_decided_at"])
        refresh(participation, locked)
        activity = participation.activity
        tell(
            [participation.member],
            kind="leave",
            title=lambda: (
                (_("请假已批准：%(title)s") if approve else _("请假未获批准：%(title)s")) % {"title": activity.title}
            ),
            body=lambda: "" if approve else _("请按时参加活动。"),
            activity=activity,
        )
        audit_record(
            actor=actor,
            action="activities.decide_leave",
            obj=activity,
            detail={"member": participation.member_id, "approve": approve},
        )
    return participation


SMS_REPLY_ACTION = "activities.invitation"


def sms_reply(user: User, activity_id: int, option: str) -> str:
    """A member's SMS answer to an activity notice (notifications.replies): 1 signs him up, 2 asks for leave. The same
    services as the page, with their rules: a full or started activity refuses, and the refusal is the SMS answer."""
    participation = (
        Participation.objects.select_related("activity").filter(activity_id=activity_id, member=user).first()
    )
    if participation is None:
        raise ValidationError(_("您未被邀请参加该活动。"))
    activity = participation.activity
    if option == "1":
        participation_sign_up(actor=user, participation=participation)
        return _("已为您报名：%(title)s，%(t)s。到场请扫码签到。") % {
            "title": activity.title,
            "t": when(activity.starts_at),
        }
    participation_request_leave(actor=user, participation=participation, reason=_("短信回复请假"))
    return _("已提交请假申请：%(title)s，待组织方审批。") % {"title": activity.title}


def sms_reply_options() -> dict[str, Callable[[], str]]:
    return {"1": lambda: _("报名"), "2": lambda: _("请假")}
