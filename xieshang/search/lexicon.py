"""The dictionary as the index reads it: the version counters and the process-wide segmenter that follows them.

Every process keeps one Segmenter. Before it cuts text for the index or a query, ``current_segmenter()`` reads the
dictionary version (one primary-key lookup) and, when another process changed the dictionary, applies the difference
in place (adding a word costs microseconds; only the first build costs ~0.2 s). Edits of the dictionary are in
``dictionary``; this module writes nothing but counters, so the index tasks can import it.
"""

from __future__ import annotations

import threading

from django.db import IntegrityError, transaction
from django.db.models import F

from xieshang.core import caches

from .models import DictionaryWord, SearchCounter
from .text.segment import Segmenter, UserWord, load_user_dictionary

SEQ_COUNTER = "seq"
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


def org_counter(organization_id: int) -> str:
    return f"org:{organization_id}"


caches.register("search.segmenter", reset_segmenter)
