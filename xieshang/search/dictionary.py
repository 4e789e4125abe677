"""The user dictionary as data: staff add and remove words (audited); the segmenter follows (``lexicon``).

A dictionary edit bumps the dictionary version and re-segments, in a task, the indexed documents that contain the
word, so old documents match the new whole word too.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q

from xieshang.audit.services import audit_record

from .lexicon import (  # noqa: F401  (current_segmenter, reset_segmenter, dictionary_version: re-exported)
    DICTIONARY_COUNTER,
    bump_counter,
    current_segmenter,
    dictionary_version,
    reset_segmenter,
)
from .models import DictionaryWord
from .tasks import resegment_containing


def _after_change(words: list[str]) -> None:
    bump_counter(DICTIONARY_COUNTER)
    for word in words:
        transaction.on_commit(lambda w=word: resegment_containing.enqueue(w))


def _clean(word: str) -> str:
    return "".join(word.split())


def add_word(
    *, actor, word: str, organization=None, kind: str = DictionaryWord.Kind.TERM, frequency: int | None = None
) -> DictionaryWord:
    """Add a dictionary word (or update its kind and frequency); queries and indexing use it from now on."""
    word = _clean(word)
    if not word:
        raise ValueError("empty word")
    with transaction.atomic():
        entry, created = DictionaryWord.objects.get_or_create(
            organization=organization,
            word=word,
            defaults={"kind": kind, "frequency": frequency, "added_by": actor if _is_user(actor) else None},
        )
        if not created and (entry.kind, entry.frequency) != (kind, frequency):
            entry.kind, entry.frequency = kind, frequency
            entry.save(update_fields=["kind", "frequency"])
        elif not created:
            return entry
        _after_change([word])
        if _is_user(actor):
            audit_record(actor=actor, action="search.add_dictionary_word", obj=entry, organization=organization)
    return entry


def remove_word(*, actor, entry: DictionaryWord) -> None:
    with transaction.atomic():
        word, organization = entry.word, entry.organization_id
        if _is_user(actor):
            audit_record(actor=actor, action="search.remove_dictionary_word", obj=entry, organization=organization)
        entry.delete()
        _after_change([word])


def _is_user(actor) -> bool:
    return actor is not None and getattr(actor, "is_authenticated", False)


def seed_dictionary(organization, *, actor=None) -> int:
    """Add the organization's handling-unit names and short names (kind unit) and community names (kind place).
    Returns how many words were new. Safe to call again."""
    from xieshang.accounts.models import Community, HandlingUnit

    wanted: dict[str, str] = {}
    for name, short in HandlingUnit.objects.filter(organization=organization).values_list("name", "short_name"):
        for w in (name, short):
            if len(_clean(w or "")) >= 2:
                wanted.setdefault(_clean(w), DictionaryWord.Kind.UNIT)
    for name in Community.objects.filter(organization=organization).values_list("name", flat=True):
        if len(_clean(name)) >= 2:
            wanted.setdefault(_clean(name), DictionaryWord.Kind.PLACE)
    return add_words(organization=organization, words=wanted, actor=actor)


def add_words(*, organization, words: dict[str, str], actor=None) -> int:
    """Bulk form of add_word for seeding: one version bump for the lot."""
    with transaction.atomic():
        existing = set(
            DictionaryWord.objects.filter(Q(organization=organization) | Q(organization__isnull=True))
            .filter(word__in=list(words))
            .values_list("word", flat=True)
        )
        new = [
            DictionaryWord(organization=organization, word=w, kind=k, added_by=actor if _is_user(actor) else None)
            for w, k in words.items()
            if w not in existing
        ]
        DictionaryWord.objects.bulk_create(new, ignore_conflicts=True)
        if new:
            _after_change([w.word for w in new])
    return len(new)


def unit_saved(sender, instance, created, raw=False, **kwargs) -> None:
    """post_save of HandlingUnit: a new or renamed unit's names join the dictionary."""
    if raw:
        return
    words = {}
    for w in (instance.name, instance.short_name):
        w = _clean(w or "")
        if len(w) >= 2:
            words[w] = DictionaryWord.Kind.UNIT
    if words:
        add_words(organization=instance.organization, words=words)
