"""Workbench sections: members see the sessions ahead of them (to attend, ask leave or submit a speech); committee
staff see the leave requests waiting for their decision."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.accounts.models import Role
from xieshang.accounts.selectors import has_role
from xieshang.core.workbench import WorkItem, WorkSection, head

from . import selectors

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
            title=a.session.title,
            url=a.session.get_absolute_url(),
            due=timezone.localdate(a.session.starts_at),
            note=f"{a.session.get_kind_display()} · {a.get_status_display()}",
        )
        for a in rows
    ]
    return WorkSection(
        key="assemblies_member",
        title=_("全体会议与常委会议"),
        items=items,
        total=total,
        more_url=reverse("assemblies:mine"),
        empty_text=_("暂无待出席的会议。收到会议通知后可在这里请假、提交大会发言，到会时扫描二维码签到。"),
    )


def staff_section(user, organization):
    if organization is None or not has_role(user, Role.COMMITTEE_STAFF, organization):
        return None
    pending = selectors.leave_requests(organization)
    rows, total = head(pending, SHOWN)
    items = [
        WorkItem(
            title=_("%(name)s 请假：%(title)s") % {"name": a.member.display_name, "title": a.session.title},
            url=a.session.get_absolute_url(),
            due=timezone.localdate(a.session.starts_at),
            note=a.leave_reason,
        )
        for a in rows
    ]
    return WorkSection(
        key="assemblies_staff",
        title=_("会议请假审批"),
        items=items,
        total=total,
        more_url=reverse("assemblies:list"),
        empty_text=_("没有待审批的会议请假。委员对全体会议或常委会议请假后会出现在这里。"),
    )
