"""The report's rows, read from the figure registry (core.figures) for one organization and one period."""

from __future__ import annotations

import operator
from dataclasses import dataclass
from datetime import date
from functools import reduce

from django.utils import timezone

from xieshang.core import figures
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


def report_rows(organization_id: int, period: Period) -> list[tuple[str, object, list[Row]]]:
    """[(section key, section title, rows)] in the report's order; sections without figures are left out."""
    before = period.previous()
    sections = []
    for key, title in SECTIONS.items():
        rows = [
            Row(
                f,
                f.value(organization_id, period.start, period.end),
                f.value(organization_id, before.start, before.end),
            )
            for f in figures.figures(key)
        ]
        if rows:
            sections.append((key, title, rows))
    return sections


def report_values(organization_id: int, period: Period) -> dict[str, int | float]:
    """Every registered figure keyed by its stable name: what `annual_report --json` prints."""
    return figures.values(organization_id, period.start, period.end)


def district_rows(
    organization: object, period: Period
) -> tuple[list[object], list[tuple[object, list[int | float], int | float]]]:
    """The conference's own figures beside each of its districts' (child organizations), and their sum:
    (districts, [(figure, [own, district 1, …], total)]). A share or an average is not added up: its total is
    measured over all their records together."""
    districts = list(organization.children.filter(is_active=True).order_by("code"))  # type: ignore[attr-defined]
    ids = [organization.pk] + [d.pk for d in districts]  # type: ignore[attr-defined]
    rows = []
    for figure in figures.figures():
        values = [figure.value(org_id, period.start, period.end) for org_id in ids]
        if figure.is_rate:
            combined = reduce(operator.or_, (figure.queryset(i, period.start, period.end) for i in ids))
            rows.append((figure, values, figure.measure(combined)))
        else:
            rows.append((figure, values, sum(values)))
    return districts, rows
