"""The most frequent words of a period's documents, precomputed by a task and cached.

Counting them reads and segments every document of the period (tens of seconds at 100,000 proposals), so no request
does it: ``cached_top_terms`` answers from the cache and, when the organization's index moved since the cached
answer was computed (its search counter, which every index write raises), queues one recomputation (de-duplicated
while one is pending) and shows the previous answer meanwhile. Before the first computation finished it answers
None: the page says the figures are being computed. The counting itself is ``selectors.top_terms``."""

from __future__ import annotations

from django.core.cache import cache

from . import tasks
from .keyword_cache import KEY, PENDING, PENDING_SECONDS, kept_index_version, name_of, period_value


def cached_top_terms(organization_id: int, period, *, by: str | None, n: int, doc_types: list[str] | None = None):
    """The cached answer of ``top_terms`` (or None while the first one is computed); queues a recomputation when the
    organization's index moved since."""
    name = name_of(organization_id, period, by, n, doc_types)
    stored = cache.get(KEY.format(name))
    version = kept_index_version(organization_id)
    stale = stored is None or stored["version"] != version
    if stale and cache.add(PENDING.format(name), 1, PENDING_SECONDS):
        tasks.compute_top_terms.enqueue(organization_id, period_value(period), by, n, doc_types or [])
        stored = cache.get(KEY.format(name)) or stored  # an immediate backend has computed it already
    return stored["terms"] if stored is not None else None
