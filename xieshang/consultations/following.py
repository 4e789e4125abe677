"""What of this app may be followed (notifications.follows) and which of its events feed followers' digests.

Followable: a consultation, a call, a room and an outcome, by anyone who may see it (the public ones by anyone signed
in). Events: every move of a consultation's or an outcome's workflow, an outcome's progress (also on its consultation),
a room's topics (raised and moved), and a call's entries once published. The hooks and services of this app call the
functions below inside their transactions."""

from __future__ import annotations

from typing import Any

import rules
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xieshang.core.names import named
from xieshang.notifications import follows
from xieshang.notifications.services import follow_event

from . import selectors


def _consultation_visible(user: Any, consultation: Any) -> bool:
    if selectors.public_consultations().filter(pk=consultation.pk).exists():
        return True
    return bool(user and rules.has_perm("consultations.view_consultation", user, consultation))


def _consultation_url(consultation: Any) -> str:
    if consultation.is_public:
        return reverse("consultations:public_consultation", args=[consultation.pk])
    return str(consultation.get_absolute_url())


def _call_visible(user: Any, call: Any) -> bool:
    return _consultation_visible(user, call.consultation)


def _room_visible(user: Any, room: Any) -> bool:
    if room.is_public:
        return True
    return bool(user and rules.has_perm("consultations.view_room", user, room))


def _room_url(room: Any) -> str:
    if room.is_public:
        return reverse("consultations:public_room", args=[room.pk])
    return str(room.get_absolute_url())


def _outcome_visible(user: Any, outcome: Any) -> bool:
    if selectors.public_outcomes().filter(pk=outcome.pk).exists():
        return True
    return bool(user and rules.has_perm("consultations.view_outcome", user, outcome))


def _outcome_url(outcome: Any) -> str:
    """A public outcome is shown on its consultation's or room's public page; otherwise its own page."""
    if outcome.is_public and outcome.consultation_id and outcome.consultation.is_public:
        return reverse("consultations:public_consultation", args=[outcome.consultation_id]) + f"#outcome-{outcome.pk}"
    if outcome.is_public and outcome.topic_id and outcome.topic.room.is_public:
        return reverse("consultations:public_room", args=[outcome.topic.room_id]) + f"#outcome-{outcome.pk}"
    return str(outcome.get_absolute_url())


def register() -> None:
    follows.register(
        follows.Followable(
            "consultation",
            "consultations.consultation",
            gettext_lazy("协商活动"),
            _consultation_visible,
            _consultation_url,
        )
    )
    follows.register(
        follows.Followable(
            "call",
            "consultations.call",
            gettext_lazy("征集"),
            _call_visible,
            lambda call: str(call.get_absolute_url()),
            title=lambda call: str(call.question),
            organization=lambda call: call.consultation.organization_id,
        )
    )
    follows.register(follows.Followable("room", "consultations.room", gettext_lazy("议事室"), _room_visible, _room_url))
    follows.register(
        follows.Followable("outcome", "consultations.outcome", gettext_lazy("协商成果"), _outcome_visible, _outcome_url)
    )


# ------------------------------------------------------------------------------------------------------------ events
def moved(obj: Any, event: Any) -> None:
    """A consultation or an outcome moved along its workflow; a room topic's move is news of its room."""

    def text() -> str:
        values = {
            "obj": str(obj)[:60],
            "action": named(event.transition_name),
            "state": named(event.to_state_name),
        }
        return _("%(obj)s：%(action)s，当前状态“%(state)s”。") % values

    kind = f"{obj._meta.model_name}.moved"
    targets = [obj]
    if obj._meta.model_name == "topic":
        targets = [obj.room]
    elif obj._meta.model_name == "outcome" and obj.consultation_id:
        targets = [obj, obj.consultation]
    for target in targets:
        follow_event(obj=target, kind=kind, text=text, url=str(obj.get_absolute_url()), actor=event.actor)


def progress_added(outcome: Any, progress: Any, actor: Any) -> None:
    def text() -> str:
        values = {"obj": str(outcome)[:60], "percent": progress.percent, "text": progress.text[:80]}
        return _("%(obj)s：新进展（完成 %(percent)d%%）%(text)s") % values

    for target in [outcome, *([outcome.consultation] if outcome.consultation_id else [])]:
        follow_event(obj=target, kind="outcome.progress", text=text, actor=actor)


def entry_published(call: Any, entry: Any, actor: Any) -> None:
    def text() -> str:
        return _("“%(q)s”征集有一条新的公开留言：%(text)s") % {"q": call.question[:40], "text": entry.text[:60]}

    follow_event(obj=call, kind="call.entry", text=text, actor=actor)


def topic_raised_for(room: Any, topic: Any, actor: Any, only_for: Any = None) -> None:
    """A room's new topic: news for its followers' digests (only_for: one follower past his daily SMS cap)."""

    def text() -> str:
        return _("%(room)s有新议题：%(title)s") % {"room": room.name, "title": topic.title}

    follow_event(
        obj=room, kind="room.topic", text=text, url=str(topic.get_absolute_url()), actor=actor, only_for=only_for
    )
