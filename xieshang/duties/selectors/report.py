"""The figures of a standing member's annual report, read from his duty entries, and the body with its placeholders
filled. Placeholders: {year}, {total}, {attendance}, {tier}, {count:<kind>}, {points:<kind>}, {list:<kind or
section>} (the titles of the records, each once), for every kind the organization has."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from ..models import DutyEntry, DutyKind
from .records import kinds_for, settings_for
from .standing import TIERS, attendance_rate, tier_of

PLACEHOLDER = re.compile(r"\{([a-z]+(?::[a-z0-9_]+)?)\}")
LIST_LIMIT = 12


def figures_for(member: Any, organization: Any, year: int) -> dict[str, str]:
    """Every placeholder's text for the member's year (two queries and the organization's kinds)."""
    org_id = getattr(organization, "pk", organization)
    kinds = kinds_for(org_id)
    entries = DutyEntry.objects.filter(member=member, organization_id=org_id, year=year)
    by_kind = {
        r["kind"]: (r["n"], r["points"] or Decimal(0))
        for r in entries.order_by().values("kind").annotate(n=Count("id"), points=Sum("points"))
    }
    total = sum((p for _n, p in by_kind.values()), Decimal(0))
    rate = attendance_rate(by_kind, kinds)
    figures = {
        "year": str(year),
        "total": f"{total:g}",
        "attendance": f"{rate:g}%" if rate is not None else _("无会议记录"),
        "tier": str(TIERS[tier_of(total, settings_for(org_id))]),
    }
    for key in set(kinds) | set(by_kind):
        n, points = by_kind.get(key, (0, Decimal(0)))
        figures[f"count:{key}"] = str(n)
        figures[f"points:{key}"] = f"{points:g}"
    lists: dict[str, list[str]] = {f"list:{k}": [] for k in set(kinds) | set(by_kind)}
    lists.update({f"list:{s}": [] for s in DutyKind.Section.values})
    for kind, label in entries.order_by("occurred_on", "id").values_list("kind", "source_label"):
        section = kinds[kind].section if kind in kinds else DutyKind.Section.OTHER
        for name in (f"list:{kind}", f"list:{section}"):
            if label not in lists[name]:
                lists[name].append(label)
    for name, labels in lists.items():
        shown = "；".join(labels[:LIST_LIMIT])
        if len(labels) > LIST_LIMIT:
            shown += _("等 %(n)d 项") % {"n": len(labels)}
        figures[name] = shown or _("无")
    return figures


def unknown_placeholders(body: str, figures: dict[str, str]) -> list[str]:
    return sorted({m.group(0) for m in PLACEHOLDER.finditer(body) if m.group(1) not in figures})


@dataclass
class Piece:
    """A run of the rendered body: the member's words (`key` empty) or a figure from the records."""

    text: str
    key: str = ""


def render(body: str, figures: dict[str, str]) -> list[list[Piece]]:
    """The body as paragraphs of pieces, placeholders replaced by their figures (unknown ones left as typed)."""
    paragraphs = []
    for line in body.splitlines():
        if not line.strip():
            continue
        pieces, at = [], 0
        for match in PLACEHOLDER.finditer(line):
            if match.group(1) not in figures:
                continue
            if match.start() > at:
                pieces.append(Piece(line[at : match.start()]))
            pieces.append(Piece(figures[match.group(1)], match.group(1)))
            at = match.end()
        if at < len(line):
            pieces.append(Piece(line[at:]))
        paragraphs.append(pieces)
    return paragraphs


def render_text(body: str, figures: dict[str, str]) -> str:
    return "\n".join("".join(p.text for p in para) for para in render(body, figures))


def draft_body() -> str:
    """The draft's text in the user's language, with the placeholders the report needs."""
    lines = [
        _("{year}年，本人认真履行政协常委职责，全年履职积分{total}分，会议出勤率{attendance}。现将履职情况报告如下："),
        _(
            "一、提案工作。领衔提交提案{count:proposal_lead}件，联名提案{count:proposal_cosign}件，其中立案"
            "{count:proposal_filed}件、重点提案{count:proposal_key}件。主要提案：{list:proposals}。"
        ),
        _(
            "二、社情民意信息。信息被采用{count:opinion_adopted}篇次，获领导批示{count:instruction}次：{list:opinions}。"
        ),
        _("三、会议发言。大会发言和协商发言{count:speech}次：{list:speeches}。"),
        _(
            "四、视察调研等活动。参加视察调研{count:inspection}次、学习培训{count:training}次、协商议事活动"
            "{count:community}次、捐赠与志愿服务{count:volunteer}次：{list:activities}。"
        ),
        _("五、存在的不足和今后的努力方向。（请填写）"),
    ]
    return "\n".join(str(line) for line in lines)
