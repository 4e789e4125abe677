"""The statistics face's registry: every figure the platform reports (the annual work report, the leaders'
dashboard, the statistics pages, the API) is registered here once by the app that owns its records.

A figure is a count of records, or a measure over them: a sum of one field (yuan donated, hours volunteered), an
average per person (duty points per member credited) or a share in per cent (replies on time, members present). It
says what it counts (a name and a unit in both languages, the question it
answers), how a record falls into a period (`period`: by the date it was submitted, by the date of the event it
records, or by the session year), and it gives the query that lists the records behind it: the figure's value is
that query's count (or its sum, average or share), and the drill-down page lists the same query, so a figure and its
records cannot disagree.

Domain apps register in their AppConfig.ready() (their `figures.py`); the base stays free of domain imports.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from .names import named

# How a record falls into a period: stated on every figure, never implied.
BY_SUBMISSION = "submission"
BY_EVENT = "event"
BY_SESSION_YEAR = "session_year"
BY_PLAN_YEAR = "plan_year"
PERIODS = {
    BY_SUBMISSION: _("按提交日期计入"),
    BY_EVENT: _("按事项发生日期计入"),
    BY_SESSION_YEAR: _("按会议年度计入"),
    BY_PLAN_YEAR: _("按计划年度计入（期间所含年度的计划）"),
}

# The report's chapters, in the report's order.
SECTIONS = {
    "proposals": _("提案工作"),
    "opinions": _("社情民意信息"),
    "consultations": _("协商议政"),
    "activities": _("委员履职活动"),
    "people": _("为民办实事"),
    "party": _("请示报告"),
    "culture": _("文史工作"),
    "members": _("委员队伍"),
}

Records = Callable[[int, date, date], QuerySet[Any]]
Row = Callable[[Any], tuple[str, str, date | None]]


@dataclass(frozen=True)
class Dimension:
    """A breakdown of a figure's records by one field (category, sector, unit …)."""

    key: str
    label: Any
    lookup: str  # a lookup path on the records' model, e.g. "category__name"
    choices: dict[str, Any] = field(default_factory=dict)  # stored value -> label, for choice fields


@dataclass(frozen=True)
class Figure:
    key: str  # stable name, read by the annual_report command's consumers: never rename
    label: Any
    unit: Any
    question: Any
    period: str
    section: str
    records: Records
    row: Row  # one record as (title, url, date) for the drill-down list
    order: int = 100
    dimensions: tuple[Dimension, ...] = ()
    # The report's sentence, with {value} for the figure (e.g. "编发社情民意信息{value}件"); "" keeps it out of
    # the Word draft's paragraphs (it still appears in the tables).
    sentence: Any = ""
    # The lookup path of the date that places a record in a period (e.g. "submitted_at", "done_on"), for trends by
    # month; "" where that date lives elsewhere (the figure then has no monthly trend).
    day: str = ""
    # What the value measures over the records (all optional; none of them: the records' count):
    # `total`: a lookup path summed over the records (e.g. "donation_money"), rounded to a whole number;
    # `per`: with `total`, the sum divided by the distinct values of this lookup (e.g. points per "member"), to 0.1;
    # `part`: the share of the records matching this condition, in per cent to 0.1 (e.g. replies on time).
    total: str = ""
    per: str = ""
    part: Q | None = None

    @property
    def is_rate(self) -> bool:
        """A share or an average: its value has one decimal, and districts' values are not added up."""
        return self.part is not None or bool(self.per)

    def queryset(self, organization_id: int, start: date, end: date) -> QuerySet[Any]:
        return self.records(organization_id, start, end)

    def value(self, organization_id: int, start: date, end: date) -> int | float:
        return self.measure(self.queryset(organization_id, start, end))

    def measure(self, records: QuerySet[Any]) -> int | float:
        """The figure's value over these records (its own query's, or a drill-down's subset)."""
        if self.part is not None:
            counts = records.order_by().aggregate(n=Count("pk", distinct=True), k=Count("pk", filter=self.part))
            return round(100 * counts["k"] / counts["n"], 1) if counts["n"] else 0.0
        if self.total and self.per:
            found = records.order_by().aggregate(s=Sum(self.total), n=Count(self.per, distinct=True))
            return round(float(found["s"] or 0) / found["n"], 1) if found["n"] else 0.0
        if self.total:
            return round(records.order_by().aggregate(s=Sum(self.total))["s"] or 0)
        return records.count()

    def dimension(self, key: str) -> Dimension | None:
        return next((d for d in self.dimensions if d.key == key), None)

    def breakdown(
        self, dimension: Dimension, organization_id: int, start: date, end: date
    ) -> list[tuple[str, Any, int]]:
        """[(stored value, label, count)], largest first."""
        rows = (
            self.queryset(organization_id, start, end)
            .order_by()
            .values(dimension.lookup)
            .annotate(n=Count("pk", distinct=True))
            .order_by("-n", dimension.lookup)
        )
        result = []
        for row in rows:
            raw = row[dimension.lookup]
            key = "" if raw is None else str(raw)
            # A stored default name (a state, category or kind) in the reader's language (core.names).
            label = (dimension.choices.get(key) or named(key)) if key else _("未填写")
            result.append((key, label, row["n"]))
        return result


def year_before(day: date) -> date:
    """The same day a year earlier (29 February becomes 28): "last year" beside a figure."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


_figures: dict[str, Figure] = {}


def register(*figures: Figure) -> None:
    for figure in figures:
        if figure.period not in PERIODS:
            raise ValueError(f"figure {figure.key}: unknown period {figure.period!r}")
        if figure.section not in SECTIONS:
            raise ValueError(f"figure {figure.key}: unknown section {figure.section!r}")
        _figures[figure.key] = figure


@dataclass(frozen=True)
class Ranking:
    """A ranked list that is not a count (e.g. the evaluation of handling units: weighted scores), for the leaders'
    dashboard: rows(organization_id, start, end) -> [(label, score, url of what stands behind it)], best first."""

    key: str
    label: Any
    unit: Any
    rows: Callable[[int, date, date], list[tuple[str, float, str]]]
    permission: str = ""  # who may read it (a django-rules permission on the organization); "" for every reader


_rankings: dict[str, Ranking] = {}


def register_ranking(ranking: Ranking) -> None:
    _rankings[ranking.key] = ranking


def get_ranking(key: str) -> Ranking | None:
    return _rankings.get(key)


def monthly(figure: Figure, organization_id: int, start: date, end: date) -> dict[str, int]:
    """{"YYYY-MM": count} of the figure's records by the month of `figure.day`; {} without a day."""
    from django.db.models.functions import TruncMonth

    if not figure.day:
        return {}
    rows = (
        figure.queryset(organization_id, start, end)
        .order_by()
        .annotate(month=TruncMonth(figure.day))
        .values("month")
        .annotate(n=Count("pk", distinct=True))
    )
    return {row["month"].strftime("%Y-%m"): row["n"] for row in rows if row["month"]}


def figures(section: str | None = None) -> list[Figure]:
    ordered = sorted(_figures.values(), key=lambda f: (list(SECTIONS).index(f.section), f.order, f.key))
    return [f for f in ordered if section is None or f.section == section]


def get(key: str) -> Figure | None:
    return _figures.get(key)


def values(organization_id: int, start: date, end: date, keys: Iterable[str] | None = None) -> dict[str, int | float]:
    chosen = [f for f in figures() if keys is None or f.key in set(keys)]
    return {f.key: f.value(organization_id, start, end) for f in chosen}
