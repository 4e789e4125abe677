"""Private helpers of the sessions services, on top of core.services."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.accounts.models import Role, User
from xieshang.core.services import lock, refresh, require, text_error
from xieshang.notifications.replies import Reply
from xieshang.notifications.services import Text, notify

from ..models import Session

# lock, refresh, require and text_error are re-exported for the topics.
__all__ = [
    "Reply",
    "eligible_members",
    "lock",
    "must_be_open",
    "now",
    "refresh",
    "require",
    "started",
    "tell",
    "text_error",
    "when",
]

# Who a session invites: every member (standing members are members too) to a plenary, the standing members to a
# standing-committee meeting.
INVITED_ROLES = {
    Session.Kind.PLENARY: (Role.MEMBER, Role.STANDING_MEMBER),
    Session.Kind.STANDING: (Role.STANDING_MEMBER,),
}


def now() -> datetime:
    return timezone.now()


def when(value: datetime) -> str:
    """A moment as the page shows it (local time, minutes)."""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def started(session: Session) -> bool:
    return now() >= session.starts_at


def must_be_open(session: Session, what: str) -> None:
    if session.state != Session.State.OPEN:
        raise ValidationError(_("会议%(state)s，不能%(what)s。") % {"state": session.get_state_display(), "what": what})


def eligible_members(session: Session) -> QuerySet[User]:
    return (
        User.objects.filter(
            is_active=True,
            role_grants__organization_id=session.organization_id,
            role_grants__role__in=INVITED_ROLES[Session.Kind(session.kind)],
        )
        .distinct()
        .order_by("pk")
    )


def tell(
    recipients: Iterable[Any], *, kind: str, title: Text, body: Text, session: Session, reply: Reply | None = None
) -> None:
    notify(
        recipients=recipients,
        kind=f"assemblies.{kind}",
        title=title,
        body=body,
        url=session.get_absolute_url(),
        organization=session.organization_id,
        reply=reply,
    )
