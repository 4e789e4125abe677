"""Reads of the moderation base: the blocklist, the reasons offered, the mode of a kind, and the one queue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q

from . import registry
from .models import BlockedWord, Mode, Reason


def blocked_words(organization_id: int | None) -> list[str]:
    """The blocklist of an organization: its own words and the shared ones (no organization)."""
    return list(
        BlockedWord.objects.filter(Q(organization_id=organization_id) | Q(organization__isnull=True)).values_list(
            "word", flat=True
        )
    )


def own_blocked_words(organization: Any) -> list[str]:
    return sorted(BlockedWord.objects.filter(organization=organization).values_list("word", flat=True))


def _fold(text: str) -> str:
    return "".join((text or "").lower().split())


def blocklist_matches(text: str, organization_id: int | None) -> list[str]:
    """The blocklist words found in the text (case and spaces ignored)."""
    folded = _fold(text)
    return sorted({w for w in blocked_words(organization_id) if _fold(w) and _fold(w) in folded})


def reasons(organization: Any) -> list[Reason]:
    """The reasons offered to a moderator of this organization: its own and the shared ones."""
    org_id = getattr(organization, "pk", organization)
    return list(Reason.objects.filter(Q(organization_id=org_id) | Q(organization__isnull=True), is_active=True))


def mode_of(organization_id: int | None, key: str) -> str:
    """ "pre" or "post" for a kind without a mode of its own: the organization's choice, else the kind's default."""
    if organization_id is not None:
        row = Mode.objects.filter(organization_id=organization_id, kind=key).values_list("mode", flat=True).first()
        if row:
            return row
    entry = registry.kind(key)
    return entry.default_mode if entry else Mode.Value.POST


@dataclass
class Screening:
    """What a resident's text meets before it is stored: the blocklist words it contains and whether it must wait
    for a moderator (pre-moderation, or any blocklist word)."""

    words: list[str]
    held: bool

    @property
    def flagged(self) -> str:
        return "、".join(self.words)[:200]


def screen(text: str, organization_id: int | None, *, key: str = "", mode: str = "") -> Screening:
    """mode: the kind's own ("pre"/"post"); else the organization's for `key`."""
    words = blocklist_matches(text, organization_id)
    mode = mode or mode_of(organization_id, key)
    return Screening(words=words, held=bool(words) or mode == Mode.Value.PRE)


@dataclass
class Item:
    kind: registry.Kind
    obj: Any
    text: str
    author: Any
    where: tuple[str, str]
    flagged: list[str]
    appeal: str
    created: datetime
    visible: bool

    @property
    def key(self) -> str:
        return f"{self.kind.key}:{self.obj.pk}"


def _item(kind: registry.Kind, obj: Any) -> Item:
    return Item(
        kind=kind,
        obj=obj,
        text=kind.text(obj),
        author=kind.author(obj),
        where=kind.where(obj),
        flagged=kind.flagged(obj),
        appeal=kind.appeal(obj),
        created=kind.created(obj),
        visible=kind.visible(obj),
    )


def queue(user: Any, organization: Any, *, only: str = "", per_kind: int = 200) -> list[Item]:
    """Everything awaiting this user's decision in this organization, across kinds: appeals first, then what the
    blocklist caught, then the oldest. At most `per_kind` of each kind (the page pages through the merged list)."""
    if organization is None:
        return []
    items: list[Item] = []
    for kind in registry.registered():
        if only and kind.key != only:
            continue
        items.extend(_item(kind, obj) for obj in kind.pending(user, organization)[:per_kind])
    items.sort(key=lambda i: (not i.appeal, not i.flagged, i.created))
    return items


def counts(user: Any, organization: Any) -> list[tuple[registry.Kind, int]]:
    """Per kind, how much awaits this user's decision (kinds he does not moderate left out)."""
    if organization is None:
        return []
    return [
        (kind, kind.pending(user, organization).count())
        for kind in registry.registered()
        if kind.may_moderate(user, organization)
    ]
