"""The stored answers of search.keywords: their keys, the index version they were counted at, and the counting the
task runs (search.tasks.compute_top_terms calls ``compute``)."""

from __future__ import annotations

from datetime import date

from django.core.cache import cache

from .lexicon import org_counter
from .models import SearchCounter

KEY = "xieshang:top-terms:{}"
PENDING = "xieshang:top-terms-pending:{}"
PENDING_SECONDS = 600  # a lost task (worker killed) is queued again after this long


def period_value(period) -> int | list[str | None] | None:
    if period is None or isinstance(period, int):
        return period
    return [d.isoformat() if d else None for d in period]


def _period_of(value) -> int | tuple[date | None, date | None] | None:
    if value is None or isinstance(value, int):
        return value
    return tuple(date.fromisoformat(v) if v else None for v in value)  # type: ignore[return-value]


def name_of(organization_id: int, period, by: str | None, n: int, doc_types: list[str] | None) -> str:
    return f"{organization_id}:{period_value(period)}:{by}:{n}:{','.join(doc_types or [])}"


def index_version(organization_id: int) -> int:
    row = SearchCounter.objects.filter(key=org_counter(organization_id)).values_list("value", flat=True).first()
    return int(row or 0)


def kept_index_version(organization_id: int) -> int:
    """`index_version` for a page: kept in the shared cache until the index moves (search.kept.INDEX watches the
    counters), so a statistics page asks the database nothing for it. The task reads the row itself."""
    from xieshang.core import fragments

    from .kept import INDEX, SECONDS

    return fragments.value(
        f"search:index-version:{organization_id}",
        lambda: index_version(organization_id),
        generations=(INDEX,),
        seconds=SECONDS,
    )


def compute(organization_id: int, period_json, by: str | None, n: int, doc_types: list[str]) -> None:
    """The task's work: count, store with the index version it saw, release the pending mark."""
    from .selectors import top_terms

    period = _period_of(period_json)
    name = name_of(organization_id, period, by, n, doc_types)
    version = index_version(organization_id)  # read first: a write during the count makes the result stale, not new
    terms = top_terms(organization_id, period, by=by, n=n, doc_types=doc_types or None)
    cache.set(KEY.format(name), {"version": version, "terms": terms}, None)
    cache.delete(PENDING.format(name))
