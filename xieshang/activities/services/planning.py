"""Planning an activity: create it, invite members (and name the organizer or group leader), publish it (the
notice to the invited), cancel it, mark it held (no-shows become absent) and close it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from xieshang.audit.services import audit_record
from xieshang.core.names import named

from ..models import Activity, ActivityKind, Participation
from ..selectors import kinds_for
from ._base import Reply, lock, member_ids, not_started, now, refresh, require, tell, text_error, when
from .signup import SMS_REPLY_ACTION

if TYPE_CHECKING:
    from xieshang.accounts.models import Organization, User

State = Activity.State
Status = Participation.Status


def _check_fields(
    organization: Organization,
    kind: ActivityKind | None,
    title: str,
    organizer_kind: str,
    organizer_name: str,
    starts_at: datetime | None,
    ends_at: datetime | None,
    signup_limit: int | None,
) -> None:
    errors: dict[str, str] = {}
    if kind is None or kind.pk not in {k.pk for k in kinds_for(organization)}:
        errors["kind"] = _("请选择本组织启用的活动类型。")
    if message := text_error(title, 120, _("活动名称")):
        errors["title"] = message
    if organizer_kind not in Activity.Organizer.values:
        errors["organizer_kind"] = _("请选择组织方类型。")
    if message := text_error(organizer_name, 80, _("组织方")):
        errors["organizer_name"] = message
    if starts_at is None:
        errors["starts_at"] = _("请填写开始时间。")
    if ends_at is None:
        errors["ends_at"] = _("请填写结束时间。")
    elif starts_at is not None and ends_at <= starts_at:
        errors["ends_at"] = _("结束时间应晚于开始时间。")
    if signup_limit is not None and signup_limit < 1:
        errors["signup_limit"] = _("报名人数上限至少为 1，不限请留空。")
    if errors:
        raise ValidationError(errors)


def activity_create(
    *,
    actor: User,
    organization: Organization,
    kind: ActivityKind | None,
    title: str,
    organizer_kind: str,
    organizer_name: str,
    starts_at: datetime | None,
    ends_at: datetime | None,
    description: str = "",
    place: str = "",
    signup_limit: int | None = None,
) -> Activity:
    require(actor, "activities.add_activity", organization)
    _check_fields(organization, kind, title, organizer_kind, organizer_name, starts_at, ends_at, signup_limit)
    assert kind is not None and starts_at is not None and ends_at is not None  # _check_fields refuses them
    with transaction.atomic():
        activity = Activity.objects.create(
            organization=organization,
            kind=kind,
            title=title.strip(),
            description=(description or "").strip(),
            organizer_kind=organizer_kind,
            organizer_name=organizer_name.strip(),
            place=(place or "").strip()[:120],
            starts_at=starts_at,
            ends_at=ends_at,
            signup_limit=signup_limit,
            created_by=actor,
        )
        audit_record(actor=actor, action="activities.create", obj=activity, organization=organization)
    return activity


def _notice(activity: Activity, participations: Iterable[Participation]) -> None:
    tell(
        [p.member for p in participations],
        kind="invitation",
        title=lambda: _("履职活动通知：%(title)s") % {"title": activity.title},
        body=lambda: (
            _("%(kind)s，%(t)s，%(place)s。请在平台上报名或请假。")
            % {"kind": named(activity.kind.name), "t": when(activity.starts_at), "place": activity.place or "-"}
        ),
        activity=activity,
        # the SMS copy can be answered: sign up or ask for leave by reply, until the activity starts (sms_reply)
        reply=Reply(SMS_REPLY_ACTION, activity.pk, expires_at=activity.starts_at),
    )


def activity_invite(
    *, actor: User, activity: Activity, members: Iterable[Any], part: str = Participation.Part.MEMBER
) -> list[Participation]:
    """Invite members (only members and standing members of the organization); already invited ones are kept, and
    named leaders become leaders. A published activity notifies the newly invited at once."""
    require(actor, "activities.invite", activity)
    if activity.state not in (State.PLANNED, State.OPEN):
        raise ValidationError({"members": _("活动已%(state)s，不能再邀请。") % {"state": activity.get_state_display()}})
    if part not in Participation.Part.values:
        raise ValidationError({"part": _("请选择角色。")})
    members = list(members)
    allowed = member_ids(activity.organization_id, members)
    refused = [m for m in members if m.pk not in allowed]
    if refused:
        raise ValidationError(
            {"members": _("只能邀请本组织的委员：%(names)s 不是。") % {"names": "、".join(str(m) for m in refused)}}
        )
    created: list[Participation] = []
    with transaction.atomic():
        existing = {p.member_id: p for p in activity.participations.select_for_update()}
        for member in members:
            current = existing.get(member.pk)
            if current is None:
                created.append(
                    Participation.objects.create(
                        activity=activity, organization_id=activity.organization_id, member=member, part=part
                    )
                )
            elif part == Participation.Part.LEADER and current.part != part:
                current.part = part
                current.save(update_fields=["part"])
        audit_record(
            actor=actor, action="activities.invite", obj=activity, detail={"count": len(created), "part": part}
        )
        if activity.state == State.OPEN and created:
            _notice(activity, created)
    return created


def activity_publish(*, actor: User, activity: Activity) -> Activity:
    """Send the notice to everyone invited; sign-up and leave requests open."""
    require(actor, "activities.publish", activity)
    with transaction.atomic():
        locked = lock(activity)
        if locked.state != State.PLANNED:
            raise ValidationError(_("只有筹备中的活动可以发布。"))
        if message := not_started(locked, _("活动开始时间已过，不能再发布通知。")):
            raise ValidationError(message)
        if not locked.participations.exists():
            raise ValidationError(_("请先邀请参加的委员。"))
        locked.state = State.OPEN
        locked.save(update_fields=["state"])
        refresh(activity, locked)
        _notice(activity, activity.participations.select_related("member"))
        audit_record(actor=actor, action="activities.publish", obj=activity)
    return activity


def activity_cancel(*, actor: User, activity: Activity, reason: str) -> Activity:
    require(actor, "activities.cancel", activity)
    if message := text_error(reason, 200, _("取消原因")):
        raise ValidationError({"reason": message})
    with transaction.atomic():
        locked = lock(activity)
        if locked.state not in (State.PLANNED, State.OPEN):
            raise ValidationError(_("活动已%(state)s，不能取消。") % {"state": locked.get_state_display()})
        was_open = locked.state == State.OPEN
        locked.state = State.CANCELLED
        locked.save(update_fields=["state"])
        refresh(activity, locked)
        if was_open:
            tell(
                [p.member for p in activity.participations.select_related("member")],
                kind="cancelled",
                title=lambda: _("履职活动取消：%(title)s") % {"title": activity.title},
                body=reason.strip(),
                activity=activity,
            )
        audit_record(actor=actor, action="activities.cancel", obj=activity, detail={"reason": reason.strip()})
    return activity


def activity_mark_held(*, actor: User, activity: Activity) -> Activity:
    """After the start: the activity took place; whoever was expected and has not attended is recorded absent
    (staff may still record their attendance afterwards)."""
    require(actor, "activities.mark_held", activity)
    with transaction.atomic():
        locked = lock(activity)
        if locked.state != State.OPEN:
            raise ValidationError(_("只有已发布的活动可以标记为已举行。"))
        if now() < locked.starts_at:
            raise ValidationError(_("活动尚未开始，不能标记为已举行。"))
        locked.state = State.HELD
        locked.save(update_fields=["state"])
        refresh(activity, locked)
        absent = activity.participations.filter(
            status__in=[Status.INVITED, Status.SIGNED_UP, Status.LEAVE_REQUESTED, Status.LEAVE_REFUSED]
        ).update(status=Status.ABSENT, recorded_by=actor)
        audit_record(actor=actor, action="activities.held", obj=activity, detail={"absent": absent})
    return activity


def activity_close(*, actor: User, activity: Activity) -> Activity:
    require(actor, "activities.close", activity)
    with transaction.atomic():
        locked = lock(activity)
        if locked.state != State.HELD:
            raise ValidationError(_("只有已举行的活动可以结束。"))
        locked.state = State.CLOSED
        locked.save(update_fields=["state"])
        refresh(activity, locked)
        audit_record(actor=actor, action="activities.close", obj=activity)
    return activity
