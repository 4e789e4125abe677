"""The most frequent words of a period's documents, precomputed by a task and cached.

Counting them reads and segments every document of the period (tens of seconds at 100,000 proposals), so no request
does it: ``cached_top_terms`` answers from the cache and, when the organization's index moved since the cached
answer was computed (its search counter, which every index write raises), queues one recomputation (de-duplicated
while one is pending) and shows the previous answer meanwhile. Before the first computation finished it answers
None: the page says the figures are being computed. The counting itself is ``selectors.top_terms``."""

from __future__ import annotations

from datetime import date

from django.core.cache import cache

from .lexicon import org_counter
from .models import SearchCounter

_KEY = "xieshang:top-terms:{}"
_PENDING = "xieshang:top-terms-pending:{}"
PENDING_SECONDS = 600  # a lost task (worker killed) is queued again after this long


def _period_value(period) -> int | list[str | None] | None:
    if period is None or isinstance(period, int):
        return period
    return [d.isoformat() if d else None for d in period]


def _period_of(value) -> int | tuple[date | None, date | None] | None:
    if value is None or isinstance(value, int):
        return value
    return tuple(date.fromisoformat(v) if v else None for v in value)  # type: ignore[return-value]


def _name(organization_id: int, period, by: str | None, n: int, doc_types: list[str] | None) -> str:
    return f"{organization_id}:{_period_value(period)}:{by}:{n}:{','.join(doc_types or [])}"


def index_version(organization_id: int) -> int:
    row = SearchCounter.objects.filter(key=org_counter(organization_id)).values_list("value", flat=True).first()
    return int(row or 0)


def cached_top_terms(organization_id: int, period, *, by: str | None, n: int, doc_types: list[str] | None = None):
    """The cached answer of ``top_terms`` (or None while the first one is computed); queues a recomputation when the
    organization's index moved since."""
    name = _name(organization_id, period, by, n, doc_types)
    stored = cache.get(_KEY.format(name))
    version = index_version(organization_id)
    stale = stored is None or stored["version"] != version
    if stale and cache.add(_PENDING.format(name), 1, PENDING_SECONDS):
        from .tasks import compute_top_terms

        compute_top_terms.enqueue(organization_id, _period_value(period), by, n, doc_types or [])
        stored = cache.get(_KEY.format(name)) or stored  # an immediate backend has computed it already
    return stored["terms"] if stored is not None else None


def compute(organization_id: int, period_value, by: str | None, n: int, doc_types: list[str]) -> None:
    """The task's work: count, store with the index version it saw, release the pending mark."""
    from .selectors import top_terms

    period = _period_of(period_value)
    name = _name(organization_id, period, by, n, doc_types)
    version = index_version(organization_id)  # read first: a write during the count makes the result stale, not new
    terms = top_terms(organization_id, period, by=by, n=n, doc_types=doc_types or None)
    cache.set(_KEY.format(name), {"version": version, "terms": terms}, None)
    cache.delete(_PENDING.format(name))
