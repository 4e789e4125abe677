"""The leaders' dashboard (数据驾驶舱): the year's key figures, trends by month, breakdowns and the path of opinion
reports, all read from the figure registry; every number and every bar carries the URL of the records it counts.
The layout (which figures, which breakdowns) is data here, so a conference can change it without touching code."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from xieshang.core import figures
from xieshang.core.figures import Figure

from .forms import period_query
from .selectors import Period

HEADLINE = (
    "proposals_submitted",
    "proposals_filed",
    "opinion_reports_edited",
    "consultations_held",
    "matters_done_for_residents",
    "supervision_visits",
)
TREND = ("proposals_submitted", "opinion_reports_edited", "consultations_held", "matters_done_for_residents")
FUNNEL = (
    "opinion_reports_collected",
    "opinion_reports_edited",
    "opinion_reports_to_city",
    "opinion_reports_to_province",
    "opinion_reports_adopted_national",
)
BREAKDOWNS = (
    ("proposals_submitted", "stage"),
    ("proposals_filed", "unit"),
    ("consultations_held", "kind"),
    ("room_topics_done", "district"),
    ("matters_done_for_residents", "source"),
)
PLAN = ("consultations_planned", "consultations_held")
TOP = 12  # bars per breakdown


def _url(figure: Figure, period: Period, **extra: str) -> str:
    query = period_query(period)
    if extra:
        query += "&" + urlencode(extra)
    return f"{reverse('stats:figure', args=[figure.key])}?{query}"


def _present(keys) -> list[Figure]:
    return [f for f in (figures.get(k) for k in keys) if f is not None]


def _months(period: Period) -> list[str]:
    months, year, month = [], period.start.year, period.start.month
    while (year, month) <= (period.end.year, period.end.month):
        months.append(f"{year}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _cell(figure: Figure, org_id: int, period: Period) -> dict[str, Any]:
    return {
        "key": figure.key,
        "label": str(figure.label),
        "unit": str(figure.unit),
        "value": figure.value(org_id, period.start, period.end),
        "url": _url(figure, period),
    }


def _breakdown(figure: Figure, dimension_key: str, org_id: int, period: Period) -> dict[str, Any] | None:
    dimension = figure.dimension(dimension_key)
    if dimension is None:
        return None
    rows = figure.breakdown(dimension, org_id, period.start, period.end)[:TOP]
    return {
        "key": f"{figure.key}-{dimension.key}",
        "title": f"{figure.label} · {dimension.label}",
        "labels": [str(label) for _key, label, _n in rows],
        "values": [n for _key, _label, n in rows],
        "urls": [_url(figure, period, by=dimension.key, value=key) for key, _label, _n in rows],
        "rows": [[str(label), n, _url(figure, period, by=dimension.key, value=key)] for key, label, n in rows],
    }


def dashboard_data(org_id: int, period: Period) -> dict[str, Any]:
    months = _months(period)
    trend = []
    for figure in _present(TREND):
        counts = figures.monthly(figure, org_id, period.start, period.end)
        trend.append({"label": str(figure.label), "values": [counts.get(m, 0) for m in months]})
    return {
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
        "headline": [_cell(f, org_id, period) for f in _present(HEADLINE)],
        "trend": {"months": months, "series": trend},
        "funnel": [_cell(f, org_id, period) for f in _present(FUNNEL)],
        "plan": [_cell(f, org_id, period) for f in _present(PLAN)],
        "breakdowns": _breakdowns(org_id, period),
    }


def _breakdowns(org_id: int, period: Period) -> list[dict[str, Any]]:
    found = []
    for key, dimension_key in BREAKDOWNS:
        figure = figures.get(key)
        made = figure and _breakdown(figure, dimension_key, org_id, period)
        if made:
            found.append(made)
    return found
