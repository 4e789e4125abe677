"""A recipient reading an announcement (once), and staff reminding those who have not read it."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.accounts.models import User
from xieshang.audit.services import audit_record
from xieshang.notifications.models import Notification
from xieshang.notifications.services import mark_read

from ..models import Announcement, Recipient
from ._base import AnnouncementRefusal, lock, refresh, require, send

# A second reminder within this time is refused: a double click, or two staff at once, reminds once.
REMIND_GAP = timedelta(minutes=10)


def mark_announcement_read(*, actor: User, announcement: Announcement) -> bool:
    """The actor opened the announcement: his receipt is marked read the first time (later openings change nothing),
    and its notifications in his inbox with it. True when this call marked it."""
    marked = bool(
        Recipient.objects.filter(announcement_id=announcement.pk, user_id=actor.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )
    )
    if marked:
        ids = Notification.objects.filter(
            recipient=actor, read_at__isnull=True, url=announcement.get_absolute_url()
        ).values_list("pk", flat=True)
        mark_read(user=actor, notification_ids=list(ids))
    return marked


def remind_unread(*, actor: User, announcement: Announcement) -> int:
    """Remind the recipients who have not read the announcement (only them). Refused when it is a draft, when all
    have read it, or within REMIND_GAP of the last reminder. Returns how many were reminded."""
    require(actor, "announcements.manage_announcement", announcement)
    with transaction.atomic():
        locked = lock(announcement)
        if locked.is_draft:
            raise AnnouncementRefusal(_("通知尚未发布。"))
        now = timezone.now()
        if locked.reminded_at and now - locked.reminded_at < REMIND_GAP:
            minutes = int((REMIND_GAP - (now - locked.reminded_at)).total_seconds() // 60) + 1
            raise AnnouncementRefusal(_("刚刚已提醒过未读人员，请 %(n)d 分钟后再提醒。") % {"n": minutes})
        unread = list(Recipient.objects.filter(announcement=locked, read_at__isnull=True).select_related("user"))
        if not unread:
            raise AnnouncementRefusal(_("所有接收人都已阅读，无需提醒。"))
        locked.reminders += 1
        locked.reminded_at = now
        locked.save(update_fields=["reminders", "reminded_at"])
        Recipient.objects.filter(pk__in=[r.pk for r in unread]).update(reminded_at=now)
        title = locked.title
        told = send(
            [r.user for r in unread],
            locked,
            kind="reminder",
            key=f"announcement:{locked.pk}:reminder:{locked.reminders}",
            title=lambda: _("提醒：请阅读通知《%(title)s》") % {"title": title},
        )
        audit_record(actor=actor, action="announcements.remind", obj=locked, detail={"reminded": len(unread)})
    refresh(announcement, locked)
    return told
