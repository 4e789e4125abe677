"""What a dashboard layout may hold (DashboardLayout.panels and .tiles), checked against the figure registry; the
messages say what is wrong in the reader's language. Kept apart from dashboard.py so the model can check a layout
without importing the board that reads it."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from xieshang.core import figures

# kind -> what it needs: "figures" (a list of figure keys) or "figure" + "by" (one figure and one of its dimensions)
MULTI = ("headline", "trend", "funnel", "plan")
SINGLE = ("breakdown", "map")
RANKED = ("ranking",)  # "ranking": a registered ranking (core.figures.Ranking), e.g. the evaluation of units
KINDS = MULTI + SINGLE + RANKED


def layout_errors(panels: Any) -> list[str]:
    """What is wrong with a layout's panels, in the reader's language ([] when it is usable)."""
    if panels in (None, []):
        return []
    if not isinstance(panels, list):
        return [_("面板应为列表。")]
    errors = []
    for n, panel in enumerate(panels, 1):
        if not isinstance(panel, dict) or panel.get("kind") not in KINDS:
            errors.append(_("第%(n)s个面板：kind 应为 %(kinds)s 之一。") % {"n": n, "kinds": ", ".join(KINDS)})
            continue
        if panel["kind"] in RANKED:
            if figures.get_ranking(str(panel.get("ranking", ""))) is None:
                errors.append(_("第%(n)s个面板：没有这个排名：%(key)s。") % {"n": n, "key": panel.get("ranking", "")})
            continue
        if panel["kind"] in MULTI:
            keys = panel.get("figures")
            if not isinstance(keys, list) or not keys:
                errors.append(_("第%(n)s个面板：figures 应列出至少一个指标。") % {"n": n})
                continue
            unknown = [k for k in keys if figures.get(str(k)) is None]
        else:
            figure = figures.get(str(panel.get("figure", "")))
            if figure is None:
                unknown = [str(panel.get("figure", ""))]
            else:
                unknown = []
                if figure.dimension(str(panel.get("by", ""))) is None:
                    errors.append(
                        _("第%(n)s个面板：指标 %(figure)s 没有分类 %(by)s（可用：%(known)s）。")
                        % {
                            "n": n,
                            "figure": figure.key,
                            "by": panel.get("by", ""),
                            "known": ", ".join(d.key for d in figure.dimensions),
                        }
                    )
        if unknown:
            errors.append(_("第%(n)s个面板：没有这些指标：%(keys)s。") % {"n": n, "keys": ", ".join(map(str, unknown))})
    return errors


def tile_errors(tiles: Any) -> list[str]:
    if tiles in (None, {}):
        return []
    if not isinstance(tiles, dict):
        return [_('区县位置应为 {"区县": [行, 列]} 的形式。')]
    errors, seen = [], {}
    for name, place in tiles.items():
        ok = isinstance(place, list) and len(place) == 2 and all(isinstance(v, int) and 0 <= v < 50 for v in place)
        if not ok:
            errors.append(_("%(name)s：位置应为两个 0 到 49 之间的整数 [行, 列]。") % {"name": name})
        elif tuple(place) in seen:
            errors.append(_("%(name)s 与 %(other)s 放在了同一个位置。") % {"name": name, "other": seen[tuple(place)]})
        else:
            seen[tuple(place)] = name
    return errors
