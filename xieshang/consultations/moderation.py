"""What the consultations domain registers with the one moderation queue (moderation.registry, decision 0040): the
entries of public calls (each call has its own pre/post mode) and the topics residents raise in community rooms
(pre/post per organization, the office's choice on the queue page; post by default, as before), and the questions
residents ask during a public live consultation (always held: the host's console decides them too, through the same
service, so the live page's streams follow a decision taken in either place)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy

from .services.rooms import TOPIC_KIND

ENTRY_KIND = "consultations.entry"
QUESTION_KIND = "consultations.question"
__all__ = ["ENTRY_KIND", "QUESTION_KIND", "TOPIC_KIND", "register"]


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


def _questions(user: Any, organization: Any) -> Any:
    from .models import LiveQuestion

    if not _is_staff(user, organization):
        return LiveQuestion.objects.none()
    return (
        LiveQuestion.objects.filter(consultation__organization=organization, status=LiveQuestion.Status.PENDING)
        .select_related("author", "consultation")
        .order_by("created_at", "id")
    )


def _decide_question(*, actor: Any, obj: Any, decision: str, reason: str = "") -> Any:
    from .services.live import question_moderate

    return question_moderate(actor=actor, question=obj, decision=decision, reason=reason)


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
    register(
        Kind(
            key=QUESTION_KIND,
            label=gettext_lazy("直播提问"),
            model="consultations.livequestion",
            pending=_questions,
            decide=_decide_question,
            where=lambda q: (q.consultation.title, reverse("consultations:live_host", args=[q.consultation_id])),
            may_moderate=_is_staff,
            own_mode=True,  # every question waits for a moderator: the live page shows none unapproved
        )
    )
