"""Workbench sections: members (invitations and check-in), committee staff (consultations to move on, minutes due),
outcome owners (bureaus and leaders), room conveners (topics waiting) and residents (rooms they follow)."""

from __future__ import annotations

import rules
from django.urls import reverse
from django.utils.translation import gettext as _

from xieshang.accounts.models import Role
from xieshang.accounts.selectors import has_role
from xieshang.core.names import named
from xieshang.core.workbench import WorkItem, WorkSection, head
from xieshang.workflow.selectors import state_ids_tagged

from . import selectors
from .workflows import OPEN

SHOWN = 8


def member_section(user, organization):
    if organization is None:
        return None
    is_member = has_role(user, Role.MEMBER, organization) or has_role(user, Role.STANDING_MEMBER, organization)
    # Leaders and unit officers are invited too (a key proposal's 提案办理协商): the section shows when they are.
    if not is_member and not any(has_role(user, r, organization) for r in (Role.LEADER, Role.UNIT_OFFICER)):
        return None
    invitations = selectors.invitations_for_member(user).filter(checked_in_at__isnull=True)
    rows, total = head(invitations, SHOWN)
    if not is_member and not total:
        return None
    items = [
        WorkItem(
            title=i.consultation.title,
            url=i.consultation.get_absolute_url(),
            due=i.consultation.planned_date,
            note=_("待报名") if i.registered_at is None else _("已报名，到会请扫码签到"),
        )
        for i in rows
    ]
    return WorkSection(
        key="consultations_member",
        title=_("协商活动邀请"),
        items=items,
        total=total,
        more_url=reverse("consultations:list"),
        empty_text=_("暂无待参加的协商活动。收到邀请后可在这里报名，到会时扫描会场二维码签到。"),
    )


def staff_section(user, organization):
    if organization is None or not has_role(user, Role.COMMITTEE_STAFF, organization):
        return None
    pending = (
        selectors.consultations_for_user(user, organization)
        .filter(state_id__in=state_ids_tagged(OPEN))
        .order_by("planned_date")
    )
    rows, total = head(pending, SHOWN)
    items = [
        WorkItem(
            title=c.title,
            url=c.get_absolute_url(),
            due=c.due_on or c.planned_date,
            overdue=c.overdue,
            note=named(c.state.name),
        )
        for c in rows
    ]
    return WorkSection(
        key="consultations_staff",
        title=_("协商活动办理"),
        items=items,
        total=total,
        more_url=reverse("consultations:plan"),
        empty_text=_("没有待推进的协商活动。列入年度计划的协商活动会出现在这里。"),
    )


def owner_section(user, organization):
    if not (any(has_role(user, r) for r in (Role.UNIT_OFFICER, Role.LEADER))):
        return None
    outcomes = selectors.outcomes_for_owner(user)
    rows, total = head(outcomes, SHOWN)
    items = [
        WorkItem(title=o.title, url=o.get_absolute_url(), due=o.due_on, overdue=o.overdue, note=named(o.state.name))
        for o in rows
    ]
    return WorkSection(
        key="consultations_owner",
        title=_("协商成果落实"),
        items=items,
        total=total,
        more_url=reverse("consultations:outcomes"),
        empty_text=_("没有待落实的协商成果。交由本单位或您负责的建议案、议事成果会出现在这里。"),
    )


def convener_section(user, organization):
    if not user.convened_rooms.exists():
        return None
    topics = selectors.topics_for_convener(user)
    rows, total = head(topics, SHOWN)
    items = [
        WorkItem(title=t.title, url=t.get_absolute_url(), note=f"{t.room.name} · {named(t.state.name)}") for t in rows
    ]
    return WorkSection(
        key="consultations_convener",
        title=_("议事室议题"),
        items=items,
        total=total,
        more_url=reverse("consultations:rooms"),
        empty_text=_("没有待处理的议题。居民、委员提出的议题会出现在这里。"),
    )


def resident_section(user, organization):
    if organization is None or not rules.has_perm("consultations.view_room", user, organization):
        return None
    if not has_role(user, Role.CITIZEN, organization):
        return None
    rooms = selectors.followed_rooms(user)
    rows, total = head(rooms, SHOWN)
    items = [WorkItem(title=r.name, url=r.get_absolute_url(), note=str(r.community)) for r in rows]
    return WorkSection(
        key="consultations_resident",
        title=_("我关注的议事室"),
        items=items,
        total=total,
        more_url=reverse("consultations:rooms"),
        empty_text=_("您还没有关注议事室。关注后，有新议题或成果时会通知您。"),
    )
