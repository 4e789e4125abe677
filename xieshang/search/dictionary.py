"""The user dictionary as data, and the process-wide segmenter that follows it.

Every process keeps one Segmenter. Before it cuts text for the index or a query, ``current_segmenter()`` reads the
dictionary version (one primary-key lookup) and, when another process changed the dictionary, applies the difference
in place (adding a word costs microseconds; only the first build costs ~0.2 s). A dictionary edit also re-segments
the indexed documents that contain the word, so old documents match the new whole word too.
"""

from __future__ import annotations

import threading

from django.db import IntegrityError, transaction
from django.db.models import F, Q

from xieshang.audit.services import audit_record

from .models import DictionaryWord, SearchCounter
from .text.segment import Segmenter, UserWord, load_user_dictionary

DICTIONARY_COUNTER = "dictionary"
# POS tags as jieba names them (organization, place, other proper noun), so tag() reports a unit name as one.
_KIND_TAGS = {DictionaryWord.Kind.UNIT: "nt", DictionaryWord.Kind.PLACE: "ns", DictionaryWord.Kind.TERM: "nz"}

_lock = threading.Lock()
_segmenter: Segmenter | None = None
_applied_version: int | None = None
_applied: dict[str, UserWord] = {}
_shipped: dict[str, UserWord] = {}


def read_counter(key: str) -> int:
    return SearchCounter.objects.filter(key=key).values_list("value", flat=True).first() or 0


def bump_counter(key: str, to: int | None = None) -> int:
    """Increment (or raise to ``to``) a counter and return its new value; the row stays locked until commit, which
    serializes writers so that readers never see a later value before an earlier one is committed."""
    with transaction.atomic():
        if to is None:
            updated = SearchCounter.objects.filter(key=key).update(value=F("value") + 1)
        else:
            updated = SearchCounter.objects.filter(key=key).update(value=to)
        if not updated:
            try:
                with transaction.atomic():
                    SearchCounter.objects.create(key=key, value=1 if to is None else to)
            except IntegrityError:
                SearchCounter.objects.filter(key=key).update(value=F("value") + 1 if to is None else to)
        return SearchCounter.objects.values_list("value", flat=True).get(key=key)


def dictionary_version() -> int:
    return read_counter(DICTIONARY_COUNTER)


def _database_words() -> dict[str, UserWord]:
    words: dict[str, UserWord] = {}
    for word, freq, kind in DictionaryWord.objects.values_list("word", "frequency", "kind").order_by("id"):
        words[word] = UserWord(word, freq, _KIND_TAGS.get(kind))
    return words


def current_segmenter(version: int | None = None) -> Segmenter:
    """The segmenter with the shipped dictionary plus every DictionaryWord, as of the current dictionary version."""
    global _segmenter, _applied_version, _applied, _shipped
    if version is None:
        version = dictionary_version()
    if _segmenter is not None and _applied_version == version:
        return _segmenter
    with _lock:
        if _segmenter is not None and _applied_version == version:
            return _segmenter
        wanted = _database_words()
        if _segmenter is None:
            _shipped = {w.word: w for w in load_user_dictionary()}
            _segmenter = Segmenter([*_shipped.values(), *wanted.values()])
        else:
            for word in set(_applied) - set(wanted):
                if word in _shipped:
                    shipped = _shipped[word]
                    _segmenter.add_word(shipped.word, shipped.freq, shipped.tag)
                else:
                    _segmenter.remove_word(word)
            for word, uw in wanted.items():
                if _applied.get(word) != uw:
                    _segmenter.add_word(uw.word, uw.freq, uw.tag)
        _applied = wanted
        _applied_version = version
        return _segmenter


def reset_segmenter() -> None:
    """Forget the process-wide segmenter (tests that recreate the database)."""
    global _segmenter, _applied_version, _applied
    with _lock:
        _segmenter, _applied_version, _applied = None, None, {}


def _after_change(words: list[str]) -> None:
    bump_counter(DICTIONARY_COUNTER)
    from .tasks import resegment_containing

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
