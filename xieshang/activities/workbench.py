"""Workbench sections: members see the activities they are invited to that are still ahead; committee staff see the
leave requests waiting for their decision."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.accounts.models import Role
from xieshang.accounts.selectors import has_role
from xieshang.core.names import named
from xieshang.core.workbench import WorkItem, WorkSection, head

from . import selectors
from .models import Participation

SHOWN = 8


def member_section(user, organization):
    if organization is None or not (
        has_role(user, Role.MEMBER, organization) or has_role(user, Role.STANDING_MEMBER, organization)
    ):
        return None
    upcoming = selectors.upcoming_for_member(user, organization)
    rows, total = head(upcoming, SHOWN)
    items = [
        WorkItem(
            title=p.activity.title,
            url=p.activity.get_absolute_url(),
            due=timezone.localdate(p.activity.starts_at),
            note=f"{named(p.activity.kind.name)} · {p.get_status_display()}"
            + (_("，请报名或请假") if p.status == Participation.Status.INVITED else ""),
        )
        for p in rows
    ]
    return WorkSection(
        key="activities_member",
        title=_("履职活动"),
        items=items,
        total=total,
        more_url=reverse("activities:mine"),
        empty_text=_("暂无待参加的履职活动。收到活动通知后可在这里报名或请假，到场时扫描二维码签到。"),
    )


def staff_section(user, organization):
    if organization is None or not has_role(user, Role.COMMITTEE_STAFF, organization):
        return None
    pending = selectors.leave_requests(organization)
    rows, total = head(pending, SHOWN)
    items = [
        WorkItem(
            title=_("%(name)s 请假：%(title)s") % {"name": p.member.display_name, "title": p.activity.title},
            url=p.activity.get_absolute_url(),
            due=timezone.localdate(p.activity.starts_at),
            note=p.leave_reason,
        )
        for p in rows
    ]
    return WorkSection(
        key="activities_staff",
        title=_("履职活动请假审批"),
        items=items,
        total=total,
        more_url=reverse("activities:list"),
        empty_text=_("没有待审批的请假。委员对履职活动请假后会出现在这里。"),
        links=[(_("活动类型"), reverse("activities:kinds"))],
    )
