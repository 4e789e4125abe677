"""The opinion maps' statements in the one moderation queue (moderation.registry, decision 0040): each conversation
keeps its own pre/post mode; a statement the blocklist caught waits even under post-moderation."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy

STATEMENT_KIND = "deliberation.statement"


def _may(user: Any, organization: Any) -> bool:
    from .rules import is_deliberation_staff

    return bool(is_deliberation_staff(user, organization))


def _pending(user: Any, organization: Any) -> Any:
    from .models import Statement
    from .selectors import pending_moderation_for_organization

    if not _may(user, organization):
        return Statement.objects.none()
    return pending_moderation_for_organization(organization).select_related("author__user")


def _decide(*, actor: Any, obj: Any, decision: str, reason: str = "") -> Any:
    from .services import statement_moderate

    return statement_moderate(actor=actor, statement=obj, approve=decision == "approve", reason=reason)


def register() -> None:
    from xieshang.moderation.registry import Kind, register

    register(
        Kind(
            key=STATEMENT_KIND,
            label=gettext_lazy("意见地图观点"),
            model="deliberation.statement",
            pending=_pending,
            decide=_decide,
            where=lambda s: (s.conversation.title, reverse("deliberation:moderate", args=[s.conversation_id])),
            may_moderate=_may,
            author=lambda s: s.author.user if s.author is not None else None,
            visible=lambda s: s.is_visible(),
        )
    )
