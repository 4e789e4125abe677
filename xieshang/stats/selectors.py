"""The report's rows, read from the figure registry (core.figures) for one organization and one period."""

from __future__ import annotations

import operator
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import reduce
from typing import Any

from django.core.cache import cache
from django.db import connections, router
from django.utils import timezone

from xieshang.core import figures, generations
from xieshang.core.figures import SECTIONS, Figure


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def current(cls) -> Period:
        return cls.year(timezone.localdate().year)

    def previous(self) -> Period:
        """The same span a year earlier (29 February becomes 28)."""
        return Period(figures.year_before(self.start), figures.year_before(self.end))

    @property
    def is_year(self) -> bool:
        return (self.start.month, self.start.day, self.end.month, self.end.day) == (1, 1, 12, 31) and (
            self.start.year == self.end.year
        )


@dataclass(frozen=True)
class Row:
    figure: Figure
    value: int | float
    previous: int | float

    @property
    def change(self) -> int | float:
        return round(self.value - self.previous, 1) if self.figure.is_rate else self.value - self.previous

    @property
    def change_percent(self) -> float | None:
        return None if not self.previous else round(100 * (self.value - self.previous) / self.previous, 1)

    @property
    def sentence(self) -> str:
        return str(self.figure.sentence).format(value=f"{self.value:,}") if self.figure.sentence else ""


# --- Many figures in one query, kept per (organization, period) until a counted record changes -------------------
#
# Each figure's value is its query's count (core.figures). Asked one by one, the report page sent two COUNT queries
# per figure (this period, last year's): ~90 round trips. `count_all` sends every count of a page as one SELECT of
# scalar sub-queries, each exactly `SELECT COUNT(*) FROM (<the figure's query>)`, the count Django's .count() takes,
# so the numbers cannot drift from the drill-down lists. `values_for` keeps the result in the shared cache under the
# current "generation"; any save or delete of a model a figure reads (post_save/post_delete/m2m_changed, see
# wiring.py) starts a new generation once per transaction, so the next read counts afresh. Writes that bypass model
# signals (QuerySet.update, bulk_create, raw SQL) are caught by the time limit below.

CACHE_SECONDS = 600
GENERATION = "stats:figures"


def count_all(querysets: Sequence[Any], per_statement: int = 200) -> list[int]:
    """The counts of several querysets (any models, one database) in one SQL statement (per `per_statement`)."""
    if not querysets:
        return []
    alias = router.db_for_read(querysets[0].model)
    compiled = [q.order_by().values("pk").query.get_compiler(using=alias).as_sql() for q in querysets]
    found: list[int] = []
    with connections[alias].cursor() as cursor:
        for i in range(0, len(compiled), per_statement):
            chunk = compiled[i : i + per_statement]
            # The parts are the ORM's own compiled SQL with its parameters kept apart: nothing from a request.
            sql = ", ".join(f"(SELECT COUNT(*) FROM ({q}) counted_{n})" for n, (q, _p) in enumerate(chunk))  # noqa: S608
            cursor.execute("SELECT " + sql, [p for _q, params in chunk for p in params])
            found.extend(int(n) for n in cursor.fetchone())
    return found


def generation() -> str:
    return generations.current(GENERATION)


def records_changed(using: str = "default") -> None:
    """A counted record was written: a new generation now and when the transaction commits (core.generations)."""
    generations.advance(GENERATION, using)


def values_for(
    organization_id: int, periods: Iterable[Period], keys: Iterable[str] | None = None
) -> dict[Period, dict[str, int | float]]:
    """{period: {figure key: value}} for every registered figure (or `keys`), counted in one query for all the
    periods missing from the cache."""
    chosen = [f for f in figures.figures() if keys is None or f.key in set(keys)]
    periods = list(dict.fromkeys(periods))
    gen = generation()
    cache_keys = {p: f"stats:figures:{gen}:{organization_id}:{p.start}:{p.end}" for p in periods}
    cached = cache.get_many(list(cache_keys.values()))
    result: dict[Period, dict[str, int | float]] = {}
    missing: list[Period] = []
    for p in periods:
        known = cached.get(cache_keys[p])
        if known is not None and all(f.key in known for f in chosen):
            result[p] = {f.key: known[f.key] for f in chosen}
        else:
            missing.append(p)
    if missing:
        # Count all plain figures at once (the next page, report or dashboard, finds them); a figure that sums,
        # averages or takes a share of its records is measured by its own aggregate.
        every = figures.figures()
        plain = [f for f in every if not (f.total or f.part is not None)]
        counts = count_all([f.queryset(organization_id, p.start, p.end) for p in missing for f in plain])
        fresh = {}
        for i, p in enumerate(missing):
            values: dict[str, int | float] = dict(
                zip((f.key for f in plain), counts[i * len(plain) : (i + 1) * len(plain)], strict=True)
            )
            for f in every:
                if f.key not in values:
                    values[f.key] = f.value(organization_id, p.start, p.end)
            fresh[cache_keys[p]] = values
            result[p] = {f.key: values[f.key] for f in chosen}
        cache.set_many(fresh, CACHE_SECONDS)
    return result


def report_rows(organization_id: int, period: Period) -> list[tuple[str, object, list[Row]]]:
    """[(section key, section title, rows)] in the report's order; sections without figures are left out."""
    before = period.previous()
    found = values_for(organization_id, (period, before))
    now, then = found[period], found[before]
    sections = []
    for key, title in SECTIONS.items():
        rows = [Row(f, now[f.key], then[f.key]) for f in figures.figures(key)]
        if rows:
            sections.append((key, title, rows))
    return sections


def report_values(organization_id: int, period: Period) -> dict[str, int | float]:
    """Every registered figure keyed by its stable name: what `annual_report --json` prints."""
    return values_for(organization_id, (period,))[period]


def district_rows(
    organization: object, period: Period
) -> tuple[list[object], list[tuple[object, list[int | float], int | float]]]:
    """The conference's own figures beside each of its districts' (child organizations), and their sum:
    (districts, [(figure, [own, district 1, …], total)]). A share or an average is not added up: its total is
    measured over all their records together."""
    districts = list(organization.children.filter(is_active=True).order_by("code"))  # type: ignore[attr-defined]
    ids = [organization.pk] + [d.pk for d in districts]  # type: ignore[attr-defined]
    per_org = {org_id: values_for(org_id, (period,))[period] for org_id in ids}
    rows = []
    for figure in figures.figures():
        values = [per_org[org_id][figure.key] for org_id in ids]
        if figure.is_rate:
            combined = reduce(operator.or_, (figure.queryset(i, period.start, period.end) for i in ids))
            rows.append((figure, values, figure.measure(combined)))
        else:
            rows.append((figure, values, sum(values)))
    return districts, rows


_watched: frozenset[str] | None = None


def watched_tables() -> frozenset[str]:
    """The tables of every app that registers a figure (the app whose module gives the figure's query): a save
    there may change a count. Found without a query, so it is safe while migrations run."""
    global _watched
    if _watched is None:
        from django.apps import apps

        labels = set()
        for figure in figures.figures():
            config = apps.get_containing_app_config(figure.records.__module__)
            if config is not None:
                labels.add(config.label)
        _watched = frozenset(
            m._meta.db_table
            for label in labels
            for m in apps.get_app_config(label).get_models(include_auto_created=True)
        )
    return _watched
