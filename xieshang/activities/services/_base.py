"""Private helpers of the activities services, on top of core.services."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.accounts.models import Role, User
from xieshang.core.services import lock, refresh, require, text_error  # noqa: F401 - re-exported for the topics
from xieshang.notifications.services import notify

from ..models import Activity


def now():
    return timezone.now()


def when(value) -> str:
    """A moment as the page shows it (local time, minutes)."""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def not_started(activity: Activity, message: str | None = None) -> str | None:
    if now() >= activity.starts_at:
        return message or _("活动已于 %(t)s 开始。") % {"t": when(activity.starts_at)}
    return None


def member_ids(organization_id: int, users) -> set[int]:
    """Of `users`, those who are members or standing members of the organization."""
    return set(
        User.objects.filter(
            pk__in=[u.pk for u in users],
            is_active=True,
            role_grants__organization_id=organization_id,
            role_grants__role__in=[Role.MEMBER, Role.STANDING_MEMBER],
        ).values_list("pk", flat=True)
    )


def staff_of(organization_id: int):
    return User.objects.filter(
        is_active=True, role_grants__organization_id=organization_id, role_grants__role=Role.COMMITTEE_STAFF
    ).distinct()


def tell(recipients, *, kind: str, title: str, body: str, activity: Activity) -> None:
    notify(
        recipients=recipients,
        kind=f"activities.{kind}",
        title=title,
        body=body,
        url=activity.get_absolute_url(),
        organization=activity.organization_id,
    )
