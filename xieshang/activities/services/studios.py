"""Members' studios (委员工作室): a studio with its members and place; reception days (接待日), each an activity of
the studio kind whose participants are the members on duty; residents book a slot (confirmed by SMS through
notifications) and the issues they raise are recorded, then turned by a member on duty into a room topic, an opinion
report or a proposal draft, which the issue links to."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from xieshang.audit.services import audit_record
from xieshang.consultations import services as consultation_services
from xieshang.notifications.services import notify
from xieshang.opinions import services as opinion_services
from xieshang.proposals import services as proposal_services

from ..models import Activity, Booking, Reception, ReceptionIssue, Studio
from ..selectors import kinds_for, slots_of
from ._base import lock, member_ids, now, require, text_error, when
from .planning import activity_create, activity_invite, activity_publish

STUDIO_KIND = "studio"
TURN_INTO = ("topic", "report", "proposal")


def studio_create(
    *, actor: Any, organization: Any, name: str, place: str, members: Iterable[Any] = (), description: str = ""
) -> Studio:
    require(actor, "activities.manage_studios", organization)
    members = list(members)
    errors: dict[str, str] = {}
    if message := text_error(name, 80, _("工作室名称")):
        errors["name"] = message
    elif Studio.objects.filter(organization=organization, name=name.strip()).exists():
        errors["name"] = _("已有同名的委员工作室。")
    if message := text_error(place, 120, _("地址")):
        errors["place"] = message
    org_id = getattr(organization, "pk", organization)
    outsiders = [m for m in members if m.pk not in member_ids(org_id, members)]
    if outsiders:
        errors["members"] = _("只能选择本组织的委员：%(names)s 不是。") % {"names": "、".join(map(str, outsiders))}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        studio = Studio.objects.create(
            organization_id=org_id, name=name.strip(), place=place.strip(), description=(description or "").strip()
        )
        studio.members.set(members)
        audit_record(actor=actor, action="activities.studio_create", obj=studio, organization=org_id)
    return studio


def reception_schedule(
    *,
    actor: Any,
    studio: Studio,
    starts_at: datetime | None,
    ends_at: datetime | None,
    on_duty: Iterable[Any],
    slot_minutes: int = 30,
    per_slot: int = 2,
) -> Reception:
    """A reception day of the studio: an activity of the studio kind with the members on duty invited and told
    (published at once), and slots residents may book."""
    require(actor, "activities.manage_studios", studio)
    on_duty = list(on_duty)
    errors: dict[str, str] = {}
    if not on_duty:
        errors["on_duty"] = _("请选择接待的委员。")
    if not 10 <= (slot_minutes or 0) <= 240:
        errors["slot_minutes"] = _("每时段应在 10 到 240 分钟之间。")
    if not 1 <= (per_slot or 0) <= 20:
        errors["per_slot"] = _("每时段接待人数应在 1 到 20 之间。")
    kind = next((k for k in kinds_for(studio.organization_id) if k.key == STUDIO_KIND), None)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        activity = activity_create(
            actor=actor,
            organization=studio.organization,
            kind=kind,
            title=_("%(studio)s接待日") % {"studio": studio.name},
            organizer_kind=Activity.Organizer.OTHER,
            organizer_name=studio.name,
            place=studio.place,
            starts_at=starts_at,
            ends_at=ends_at,
        )
        reception = Reception.objects.create(
            activity=activity,
            studio=studio,
            organization_id=studio.organization_id,
            slot_minutes=slot_minutes,
            per_slot=per_slot,
        )
        activity_invite(actor=actor, activity=activity, members=on_duty)
        activity_publish(actor=actor, activity=activity)
    return reception


def booking_make(*, actor: Any, reception: Reception, slot_at: datetime | None, subject: str) -> Booking:
    """A resident books a slot; the confirmation goes to his phone by SMS (and his inbox)."""
    require(actor, "activities.book_reception", reception)
    if message := text_error(subject, 200, _("反映事项")):
        raise ValidationError({"subject": message})
    slots = slots_of(reception)
    if slot_at not in slots:
        raise ValidationError({"slot_at": _("请选择接待日内的时段。")})
    assert slot_at is not None
    if slot_at <= now():
        raise ValidationError({"slot_at": _("该时段已过，请选择以后的时段。")})
    with transaction.atomic():
        activity = lock(reception.activity)  # serializes bookings of the day: a slot is never overbooked
        if activity.state != Activity.State.OPEN:
            raise ValidationError(_("接待日%(state)s，不能预约。") % {"state": activity.get_state_display()})
        booked = reception.bookings.filter(status=Booking.Status.BOOKED)
        if booked.filter(resident=actor).exists():
            raise ValidationError({"slot_at": _("您已预约本次接待日，如需改时段请先取消原预约。")})
        if booked.filter(slot_at=slot_at).count() >= reception.per_slot:
            raise ValidationError({"slot_at": _("该时段已约满，请选择其他时段。")})
        try:
            with transaction.atomic():
                booking = Booking.objects.create(
                    reception=reception,
                    organization_id=activity.organization_id,
                    resident=actor,
                    slot_at=slot_at,
                    subject=subject.strip(),
                )
        except IntegrityError:
            raise ValidationError({"slot_at": _("您已预约本次接待日。")}) from None
        studio = reception.studio
        # The resident asked for this confirmation: it goes by SMS whatever his channel preferences say.
        notify(
            recipients=[actor],
            kind="activities.booking",
            title=lambda: _("委员工作室预约成功"),
            body=lambda: (
                _("%(studio)s，%(t)s，地址：%(place)s。")
                % {"studio": studio.name, "t": when(slot_at), "place": studio.place}
            ),
            url=reception.get_absolute_url(),
            organization=activity.organization_id,
            force_sms=True,
        )
        audit_record(actor=actor, action="activities.booking", obj=reception.activity, detail={"slot": when(slot_at)})
    return booking


def booking_cancel(*, actor: Any, booking: Booking) -> Booking:
    require(actor, "activities.cancel_booking", booking)
    with transaction.atomic():
        if Booking.objects.filter(pk=booking.pk, status=Booking.Status.BOOKED).update(status=Booking.Status.CANCELLED):
            audit_record(actor=actor, action="activities.booking_cancel", obj=booking.reception.activity)
    booking.status = Booking.Status.CANCELLED
    return booking


def issue_record(
    *,
    actor: Any,
    reception: Reception,
    title: str,
    text: str = "",
    raised_by: str = "",
    booking: Booking | None = None,
) -> ReceptionIssue:
    require(actor, "activities.record_issue", reception)
    errors: dict[str, str] = {}
    if message := text_error(title, 80, _("问题")):
        errors["title"] = message
    if len(text or "") > 2000:
        errors["text"] = _("具体情况最多 2000 字。")
    if len(raised_by or "") > 40:
        errors["raised_by"] = _("反映人最多 40 字。")
    if booking is not None and booking.reception_id != reception.pk:
        errors["booking"] = _("请选择本次接待日的预约。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        issue = ReceptionIssue.objects.create(
            reception=reception,
            organization_id=reception.activity.organization_id,
            booking=booking,
            title=title.strip(),
            text=(text or "").strip(),
            raised_by=(raised_by or (booking.resident.display_name if booking else "")).strip()[:40],
            recorded_by=actor,
        )
        audit_record(actor=actor, action="activities.issue_record", obj=reception.activity, detail={"issue": issue.pk})
    return issue


def _create_record(actor: Any, issue: ReceptionIssue, into: str, room: Any) -> Any:
    body = issue.text or issue.title
    organization = issue.reception.activity.organization
    if into == "topic":
        if room is None or room.organization_id != issue.organization_id:
            raise ValidationError({"room": _("请选择本组织的协商议事室。")})
        return consultation_services.topic_raise(actor=actor, room=room, title=issue.title, body=body)
    if into == "report":
        return opinion_services.report_submit(
            actor=actor,
            organization=organization,
            title=issue.title,
            body=body,
            source=issue.reception,
            source_label=str(issue.reception),
            source_url=issue.reception.get_absolute_url(),
        )
    return proposal_services.proposal_create(actor=actor, organization=organization, title=issue.title, body=body)


def issue_turn(*, actor: Any, issue: ReceptionIssue, into: str, room: Any = None) -> Any:
    """Turn the issue into a room topic, an opinion report (submitted) or a proposal draft, written by the member
    on duty who does it; the issue links the record. An issue is turned once."""
    require(actor, "activities.turn_issue", issue)
    if into not in TURN_INTO:
        raise ValidationError({"into": _("请选择转为议事议题、社情民意信息或提案草稿。")})
    with transaction.atomic():
        locked = lock(issue)
        if locked.linked_id is not None:
            raise ValidationError({"into": _("该问题已转办，不能重复转。")})
        record = _create_record(actor, issue, into, room)
        locked.linked = record
        locked.turned_by = actor
        locked.save(update_fields=["linked_type", "linked_id", "turned_by"])
        issue.linked, issue.turned_by = record, actor
        audit_record(
            actor=actor,
            action="activities.issue_turn",
            obj=issue.reception.activity,
            detail={"issue": issue.pk, "into": into, "record": record.pk},
        )
    return record
