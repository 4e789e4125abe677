"""One registry of per-process caches (core.caches) with one rule: clear_all() empties every one."""

from datetime import date

import pytest

from xieshang.core import caches
from xieshang.search import lexicon, routing_store, similar, tokens
from xieshang.workflow import cache as workflow_cache
from xieshang.workflow import calendar

EXPECTED = {
    "search.routing",
    "search.segmenter",
    "search.similar",
    "search.tokens",
    "workflow.calendar",
    "workflow.definitions",
}


def test_every_per_process_cache_is_registered():
    assert set(caches.registered()) >= EXPECTED


def test_clear_all_calls_every_registered_clear(monkeypatch):
    monkeypatch.setattr(caches, "_registry", {})
    calls = []
    caches.register("a", lambda: calls.append("a"))
    caches.register("b", lambda: calls.append("b"))
    caches.clear_all()
    assert calls == ["a", "b"]
    caches.clear("b")
    assert calls == ["a", "b", "b"]


@pytest.mark.django_db
def test_clear_all_empties_the_real_caches():
    segmenter = lexicon.current_segmenter()
    tokens.index_text(segmenter, "老旧小区改造")
    calendar.is_workday(date(2026, 10, 1))
    similar._cache[(0, "test")] = object()
    routing_store._models[0] = (None, None, {})
    workflow_cache._entries[0] = object()
    assert lexicon._segmenter is not None and tokens._cache and calendar._state["days"] is not None

    caches.clear_all()

    assert lexicon._segmenter is None
    assert not tokens._cache
    assert not similar._cache
    assert not routing_store._models
    assert not workflow_cache._entries
    assert calendar._state["days"] is None
