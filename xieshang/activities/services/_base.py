"""Private helpers of the activities services, on top of core.services."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.accounts.models import Role, User
from xieshang.core.services import lock, refresh, require, text_error
from xieshang.core.windows import when
from xieshang.notifications.replies import Reply
from xieshang.notifications.services import Text, notify

from ..models import Activity

# lock, refresh, require, text_error and when (core.windows) are re-exported for the topics.
__all__ = [
    "Reply",
    "lock",
    "member_ids",
    "not_started",
    "now",
    "refresh",
    "require",
    "staff_of",
    "tell",
    "text_error",
    "when",
]


def now() -> datetime:
    return timezone.now()


def not_started(activity: Activity, message: str | None = None) -> str | None:
    if now() >= activity.starts_at:
        return message or _("活动已于 %(t)s 开始。") % {"t": when(activity.starts_at)}
    return None


def member_ids(organization_id: int, users: Iterable[Any]) -> set[int]:
    """Of `users`, those who are members or standing members of the organization."""
    return set(
        User.objects.filter(
            pk__in=[u.pk for u in users],
            is_active=True,
            role_grants__organization_id=organization_id,
            role_grants__role__in=[Role.MEMBER, Role.STANDING_MEMBER],
        ).values_list("pk", flat=True)
    )


def staff_of(organization_id: int) -> QuerySet[User]:
    return User.objects.filter(
        is_active=True, role_grants__organization_id=organization_id, role_grants__role=Role.COMMITTEE_STAFF
    ).distinct()


def tell(
    recipients: Iterable[Any], *, kind: str, title: Text, body: Text, activity: Activity, reply: Reply | None = None
) -> None:
    notify(
        recipients=recipients,
        kind=f"activities.{kind}",
        title=title,
        body=body,
        url=activity.get_absolute_url(),
        organization=activity.organization_id,
        reply=reply,
    )
