"""Every per-process cache, in one registry with one invalidation rule.

The rule: a per-process cache holds only what it can rebuild from the database, and it either checks a version on
each read (the dictionary version, a workflow's updated_at, the index sequence) or is cleared by the write that
changes its source. `clear_all()` empties every registered cache at once: tests, a restored database, a command
that rewrote data outside the services. A module that keeps such a cache registers it where the cache is defined:

    caches.register("search.similar", forget)

Values in Django's shared cache (policies, organization settings) are not here: they expire and are deleted by
their own writes, and `django.core.cache.cache.clear()` empties them."""

from __future__ import annotations

from collections.abc import Callable

_registry: dict[str, Callable[[], object]] = {}


def register(name: str, clear: Callable[[], object]) -> Callable[[], object]:
    """Register (or replace) the function that empties the cache called `name`."""
    _registry[name] = clear
    return clear


def registered() -> list[str]:
    return sorted(_registry)


def clear(name: str) -> None:
    _registry[name]()


def clear_all() -> None:
    """Empty every registered per-process cache."""
    for name in sorted(_registry):
        _registry[name]()
