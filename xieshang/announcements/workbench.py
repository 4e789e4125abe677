"""Workbench section: the announcements a person has not read yet."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.core.workbench import WorkItem, WorkSection, head

from . import selectors
from .selectors import AUDIENCE_ROLES

SHOWN = 8
RECIPIENT_ROLES = {role for roles in AUDIENCE_ROLES.values() for role in roles}


def recipient_section(user, organization):
    from xieshang.accounts.selectors import roles_in

    if organization is None or not (roles_in(user, organization) & RECIPIENT_ROLES):
        return None
    unread = selectors.unread_for(user, organization)
    rows, total = head(unread, SHOWN)
    items = [
        WorkItem(
            title=r.announcement.title,
            url=r.announcement.get_absolute_url(),
            due=timezone.localdate(r.announcement.published_at) if r.announcement.published_at else None,
            note=_("紧急") if r.announcement.urgent else "",
        )
        for r in rows
    ]
    return WorkSection(
        key="announcements_unread",
        title=_("未读通知"),
        items=items,
        total=total,
        more_url=reverse("announcements:mine"),
        empty_text=_("没有未读的通知公告。本会发给您的通知会出现在这里，打开即记为已读。"),
    )
