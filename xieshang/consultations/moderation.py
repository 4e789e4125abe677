"""What the consultations domain registers with the one moderation queue (moderation.registry, decision 0040): the
entries of public calls (each call has its own pre/post mode) and the topics residents raise in community rooms
(pre/post per organization, the office's choice on the queue page; post by default, as before)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

from .services.rooms import TOPIC_KIND

ENTRY_KIND = "consultations.entry"
__all__ = ["ENTRY_KIND", "TOPIC_KIND", "register"]


def _is_staff(user: Any, organization: Any) -> bool:
    import rules

    return rules.has_perm("consultations.edit_blocklist", user, organization)


def _entries(user: Any, organization: Any) -> Any:
    from .selectors import moderation_queue

    return moderation_queue(user, organization)


def _decide_entry(*, actor: Any, obj: Any, decision: str, reason: str = "") -> Any:
    from .services.calls import entry_moderate

    return entry_moderate(actor=actor, entry=obj, decision=decision, reason=reason)


def _topics(user: Any, organization: Any) -> Any:
    from .selectors import topics_awaiting_moderation

    if not _is_staff(user, organization):
        from .models import Topic

        return Topic.objects.none()
    return topics_awaiting_moderation(organization)


def _decide_topic(*, actor: Any, obj: Any, decision: str, reason: str = "") -> Any:
    from .services.rooms import topic_moderate

    return topic_moderate(actor=actor, topic=obj, decision=decision, reason=reason)


def register() -> None:
    from xieshang.moderation.registry import Kind, register

    register(
        Kind(
            key=ENTRY_KIND,
            label=gettext_lazy("征集留言"),
            model="consultations.entry",
            pending=_entries,
            decide=_decide_entry,
            where=lambda e: (e.call.question, e.call.get_absolute_url()),
            may_moderate=_is_staff,
        )
    )
    register(
        Kind(
            key=TOPIC_KIND,
            label=gettext_lazy("议事室议题"),
            model="consultations.topic",
            pending=_topics,
            decide=_decide_topic,
            where=lambda t: (t.room.name, t.get_absolute_url()),
            may_moderate=_is_staff,
            text=lambda t: f"{t.title}\n{t.body}".strip(),
            author=lambda t: t.raised_by,
            created=lambda t: t.raised_at,
            own_mode=False,
            default_mode="post",
        )
    )
