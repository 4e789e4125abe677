"""The leaders' dashboard (数据驾驶舱): the year's key figures, trends by month, breakdowns, the path of opinion
reports and the rooms' topics on a tile map of districts, all read from the figure registry; every number, bar,
point and tile carries the URL of the records it counts.

The layout is data: DEFAULT_PANELS below, or an organization's own DashboardLayout (its panels in its order, its
districts' tile positions). A panel naming a figure that is not registered is left out, so a layout survives an app
being switched off."""

from __future__ import annotations

import calendar
import math
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.core.cache import cache
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from xieshang.core import figures
from xieshang.core.figures import Figure

from .forms import period_query
from .layout import layout_errors, tile_errors
from .selectors import CACHE_SECONDS, Period, generation, values_for

DEFAULT_PANELS: tuple[dict[str, Any], ...] = (
    {
        "kind": "headline",
        "figures": [
            "proposals_submitted",
            "proposals_filed",
            "opinion_reports_edited",
            "consultations_held",
            "matters_done_for_residents",
            "supervision_visits",
        ],
    },
    {
        "kind": "trend",
        "figures": [
            "proposals_submitted",
            "opinion_reports_edited",
            "consultations_held",
            "matters_done_for_residents",
        ],
    },
    {
        "kind": "funnel",
        "figures": [
            "opinion_reports_collected",
            "opinion_reports_edited",
            "opinion_reports_to_city",
            "opinion_reports_to_province",
            "opinion_reports_adopted_national",
        ],
    },
    {"kind": "plan", "figures": ["consultations_planned", "consultations_held"]},
    {"kind": "map", "figure": "room_topics_done", "by": "district"},
    {"kind": "breakdown", "figure": "proposals_submitted", "by": "stage"},
    {"kind": "breakdown", "figure": "proposals_filed", "by": "unit"},
    {"kind": "ranking", "ranking": "unit_evaluation"},  # the units' evaluation beside their proposals
    {"kind": "breakdown", "figure": "consultations_held", "by": "kind"},
    {"kind": "breakdown", "figure": "session_attendances", "by": "kind"},
    {"kind": "breakdown", "figure": "matters_done_for_residents", "by": "source"},
)
TOP = 12  # bars per breakdown


def layout_for(organization_id: int) -> tuple[list[dict[str, Any]], dict[str, list[int]], str]:
    """(panels, tile positions, version) of the organization's dashboard: its own layout or the defaults."""
    from .models import DashboardLayout

    own = DashboardLayout.objects.filter(organization_id=organization_id).first()
    if own is None:
        return [dict(p) for p in DEFAULT_PANELS], {}, "default"
    panels = own.panels if own.panels and not layout_errors(own.panels) else [dict(p) for p in DEFAULT_PANELS]
    tiles = own.tiles if not tile_errors(own.tiles) else {}
    return panels, tiles, own.updated_at.isoformat()


# --- building the data ----------------------------------------------------------------------------------------------


def _url(figure: Figure, period: Period, **extra: str) -> str:
    query = period_query(period)
    if extra:
        query += "&" + urlencode(extra)
    return f"{reverse('stats:figure', args=[figure.key])}?{query}"


def _present(keys) -> list[Figure]:
    return [f for f in (figures.get(str(k)) for k in keys) if f is not None]


def _months(period: Period) -> list[tuple[str, Period]]:
    months, year, month = [], period.start.year, period.start.month
    while (year, month) <= (period.end.year, period.end.month):
        first = max(date(year, month, 1), period.start)
        last = min(date(year, month, calendar.monthrange(year, month)[1]), period.end)
        months.append((f"{year}-{month:02d}", Period(first, last)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _cells(keys, values: dict[str, int], period: Period) -> list[dict[str, Any]]:
    return [
        {
            "key": f.key,
            "label": str(f.label),
            "unit": str(f.unit),
            "value": values[f.key],
            "url": _url(f, period),
        }
        for f in _present(keys)
    ]


def _trend(keys, org_id: int, period: Period) -> dict[str, Any]:
    months = _months(period)
    series = []
    for figure in _present(keys):
        if not figure.day:
            continue
        counts = figures.monthly(figure, org_id, period.start, period.end)
        series.append(
            {
                "key": figure.key,
                "label": str(figure.label),
                "values": [counts.get(m, 0) for m, _p in months],
                "urls": [_url(figure, p) for _m, p in months],
            }
        )
    table = [[m, [[s["values"][i], s["urls"][i]] for s in series]] for i, (m, _p) in enumerate(months)]
    return {"title": _("按月趋势"), "months": [m for m, _p in months], "series": series, "table": table}


def _breakdown(figure: Figure, dimension_key: str, org_id: int, period: Period, top: int | None = TOP):
    dimension = figure.dimension(dimension_key)
    if dimension is None:
        return None
    rows = figure.breakdown(dimension, org_id, period.start, period.end)
    if top:
        rows = rows[:top]
    return dimension, [
        (key, str(label), n, _url(figure, period, by=dimension.key, value=key)) for key, label, n in rows
    ]


def _tiles(rows, positions: dict[str, list[int]]) -> list[dict[str, Any]]:
    """Each district a square on a grid: the organization's positions first, the rest placed after them in name
    order, as many columns as the grid already has (at least the square root of the count)."""
    placed = {name: tuple(place) for name, place in positions.items()}
    names = [label for key, label, _n, _u in rows if key]
    columns = max([c + 1 for _r, c in placed.values()] + [math.ceil(math.sqrt(len(names) or 1))])
    taken = set(placed.values())
    next_row = max([r + 1 for r, _c in placed.values()] + [0])
    cell = next_row * columns
    by_name = {label: (n, url) for key, label, n, url in rows if key}
    for name in sorted(set(positions) | set(names)):
        if name in placed:
            continue
        while (cell // columns, cell % columns) in taken:
            cell += 1
        placed[name] = (cell // columns, cell % columns)
        taken.add(placed[name])
    return [
        {
            "name": name,
            "row": place[0],
            "col": place[1],
            "value": by_name.get(name, (0, ""))[0],
            "url": by_name.get(name, (0, ""))[1],
        }
        for name, place in sorted(placed.items(), key=lambda item: item[1])
    ]


def _panel(panel: dict[str, Any], org_id: int, period: Period, values: dict[str, int], tiles) -> dict | None:
    kind = panel.get("kind")
    if kind == "headline":
        return {"kind": kind, "cells": _cells(panel["figures"], values, period)}
    if kind == "funnel":
        return {"kind": kind, "title": _("社情民意信息采用路径"), "cells": _cells(panel["figures"], values, period)}
    if kind == "plan":
        return {"kind": kind, "title": _("协商计划完成情况"), "cells": _cells(panel["figures"], values, period)}
    if kind == "trend":
        return {"kind": kind, **_trend(panel["figures"], org_id, period)}
    if kind == "ranking":
        return _ranking(str(panel.get("ranking", "")), org_id, period)
    figure = figures.get(str(panel.get("figure", "")))
    made = figure and _breakdown(figure, str(panel.get("by", "")), org_id, period, None if kind == "map" else TOP)
    if not made:
        return None
    dimension, rows = made
    result: dict[str, Any] = {
        "kind": kind,
        "key": f"{figure.key}-{dimension.key}",
        "title": f"{figure.label} · {dimension.label}",
        "labels": [label for _k, label, _n, _u in rows],
        "values": [n for _k, _l, n, _u in rows],
        "urls": [url for _k, _l, _n, url in rows],
        "rows": [[label, n, url] for _k, label, n, url in rows],
    }
    if kind == "map":
        result["title"] = _("%(figure)s · 区县分布") % {"figure": figure.label}
        result["tiles"] = _tiles(rows, tiles)
    return result


def _ranking(key: str, org_id: int, period: Period) -> dict[str, Any] | None:
    """A ranked list that is not a count (core.figures.Ranking), drawn as bars like a breakdown: the top TOP."""
    ranking = figures.get_ranking(key)
    if ranking is None:
        return None
    rows = ranking.rows(org_id, period.start, period.end)[:TOP]
    return {
        "kind": "breakdown",
        "key": f"ranking-{ranking.key}",
        "title": _("%(ranking)s（%(unit)s）") % {"ranking": ranking.label, "unit": ranking.unit},
        "labels": [label for label, _score, _url in rows],
        "values": [score for _label, score, _url in rows],
        "urls": [url for _label, _score, url in rows],
        "rows": [[label, score, url] for label, score, url in rows],
        "permission": ranking.permission,
    }


def for_reader(data: dict[str, Any], user: Any, organization: Any) -> dict[str, Any]:
    """The board as this reader may see it: panels with a permission he lacks (a ranking kept for its overseers)
    left out, the others numbered again. The cached board is shared by the organization's readers: not changed."""
    import rules

    panels = [
        dict(p, index=n)
        for n, p in enumerate(
            p for p in data["panels"] if not p.get("permission") or rules.has_perm(p["permission"], user, organization)
        )
    ]
    return {**data, "panels": panels}


def dashboard_data(org_id: int, period: Period) -> dict[str, Any]:
    """The board's data for a period, in the reader's language; kept in the cache with the report's figures (the
    same generation: any change to a counted record builds it afresh) and the layout's version."""
    panels, tiles, version = layout_for(org_id)
    key = f"stats:dashboard:{generation()}:{version}:{org_id}:{period.start}:{period.end}:{get_language()}"
    found = cache.get(key)
    if found is not None:
        return found
    values = values_for(org_id, (period,))[period]
    built = [_panel(p, org_id, period, values, tiles) for p in panels]
    for n, panel in enumerate(p for p in built if p):
        panel["index"] = n
    data = {
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
        "panels": [p for p in built if p],
    }
    cache.set(key, data, CACHE_SECONDS)
    return data
