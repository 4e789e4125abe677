"""Private helpers of the announcements services, on top of core.services."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from xieshang.core.services import Refusal, lock, refresh, require, text_error
from xieshang.notifications.services import notify

from ..models import Announcement

__all__ = ["AnnouncementRefusal", "lock", "refresh", "require", "send", "text_error"]


class AnnouncementRefusal(Refusal):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def send(recipients: Iterable[Any], announcement: Announcement, *, kind: str, key: str, title: Any) -> int:
    """Each recipient's inbox copy (email and SMS as he chose them; SMS to all for an urgent one), once per key:
    a recipient who already has a notification with `key` gets nothing more."""
    sent = notify(
        recipients=recipients,
        kind=f"announcements.{kind}",
        title=title,
        body=announcement.body[:200],
        url=announcement.get_absolute_url(),
        organization=announcement.organization_id,
        force_sms=announcement.urgent,
        key=key,
    )
    return len(sent)
