"""Every write of announcements (callers: `from xieshang.announcements import services`)."""

from .drafting import create_announcement, publish_announcement, update_announcement
from .reading import mark_announcement_read, remind_unread

__all__ = [
    "create_announcement",
    "mark_announcement_read",
    "publish_announcement",
    "remind_unread",
    "update_announcement",
]
