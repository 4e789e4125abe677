"""What the members' studios store about a resident, for the PIPL download and erasure (core.personal_data): his
bookings of a reception day and what he raised there.

Erasure keeps the bookings on his erased account (one booked row per person and reception day: they cannot all move
to one placeholder) with his name and phone replaced in their subjects; the issues recorded from his bookings keep
their text, with the name of who raised them replaced by the neutral label."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

from xieshang.core.personal_data import Erased, Row, Source, register

from .models import Booking, Participation, ReceptionIssue


def _bookings(user: Any) -> list[Row]:
    return [
        {"slot_at": b.slot_at, "subject": b.subject, "status": b.get_status_display(), "created_at": b.created_at}
        for b in Booking.objects.filter(resident=user).order_by("slot_at", "pk")
    ]


def _erase_bookings(user: Any, erased: Erased) -> int:
    changed = 0
    for booking in Booking.objects.filter(resident=user):
        subject = erased.scrub(booking.subject)[:200]
        if subject != booking.subject:
            booking.subject = subject
            booking.save(update_fields=["subject"])
            changed += 1
    for issue in ReceptionIssue.objects.filter(booking__resident=user):
        raised_by, text = (erased.label if issue.raised_by else ""), erased.scrub(issue.text)
        if (raised_by, text) != (issue.raised_by, issue.text):
            issue.raised_by, issue.text = raised_by, text
            issue.save(update_fields=["raised_by", "text"])
            changed += 1
    return changed


def _participations(user: Any) -> list[Row]:
    return [
        {
            "activity": p.activity.title,
            "starts_at": p.activity.starts_at,
            "part": p.get_part_display(),
            "status": p.get_status_display(),
            "signed_up_at": p.signed_up_at,
            "checked_in_at": p.checked_in_at,
            "leave_reason": p.leave_reason,
        }
        for p in Participation.objects.filter(member=user).select_related("activity").order_by("activity__starts_at")
    ]


def _keep_participations(user: Any, erased: Erased) -> int:
    # Export only: attendance is part of a member's duty record, and members do not ask for erasure here (0032).
    return 0


def register_sources() -> None:
    register(
        Source(
            key="activity_participations",
            title=gettext_lazy("我参加的活动"),
            description=gettext_lazy("您受邀、报名、请假和出席的活动。属于委员履职档案，依规保存。"),
            fields={
                "activity": gettext_lazy("活动名称"),
                "starts_at": gettext_lazy("开始时间"),
                "part": gettext_lazy("角色"),
                "status": gettext_lazy("状态"),
                "signed_up_at": gettext_lazy("报名时间"),
                "checked_in_at": gettext_lazy("签到时间"),
                "leave_reason": gettext_lazy("请假理由"),
            },
            export=_participations,
            anonymize=_keep_participations,
            order=43,
        )
    )
    register(
        Source(
            key="studio_bookings",
            title=gettext_lazy("我的委员工作室接待预约"),
            description=gettext_lazy("您预约的委员接待时段和反映事项。删除后：事项保留，不再显示您的姓名。"),
            fields={
                "slot_at": gettext_lazy("预约时段"),
                "subject": gettext_lazy("反映事项"),
                "status": gettext_lazy("状态"),
                "created_at": gettext_lazy("时间"),
            },
            export=_bookings,
            anonymize=_erase_bookings,
            order=25,
        )
    )
