"""Excel exports of the duty lists (ranking, shortfalls, a member's records, the rules), every typed text through
core.exports.safe_cell so that a title beginning with "=" stays text."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils.translation import gettext as _

from xieshang.core.exports import safe_cell

from .models import DutyEntry, DutyRule
from .selectors import RankRow, RosterRow

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _book(title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]
    sheet.append([str(h) for h in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def ranking_xlsx(rows: list[RankRow], year: int) -> bytes:
    header = [_("名次"), _("委员"), _("界别"), _("专委会"), _("区县"), _("常委"), _("积分"), _("记录条数"), _("等次")]
    body = (
        [
            r.rank,
            r.name,
            r.sector,
            "、".join(r.committees),
            r.district,
            _("是") if r.is_standing else "",
            float(r.points),
            r.entries,
            r.tier_label,
        ]
        for r in rows
    )
    return _book(_("%(year)s年度履职排名") % {"year": year}, header, body)


def shortfalls_xlsx(rows: list[RankRow], year: int) -> bytes:
    header = [_("委员"), _("界别"), _("专委会"), _("区县"), _("积分"), _("未达到的要求"), _("实际"), _("要求")]
    body = []
    for r in rows:
        for s in r.shortfalls:
            value = float(s.value) if s.value is not None else None
            body.append(
                [
                    r.name,
                    r.sector,
                    "、".join(r.committees),
                    r.district,
                    float(r.points),
                    s.label,
                    value,
                    float(s.requirement.minimum),
                ]
            )
    return _book(_("%(year)s年度未达履职要求") % {"year": year}, header, body)


def entries_xlsx(entries: Iterable[DutyEntry], kind_names: dict[str, str], name: str, year: int) -> bytes:
    header = [_("日期"), _("类型"), _("来源"), _("说明"), _("积分"), _("规则分值"), _("规则")]
    body = (
        [
            e.occurred_on,
            kind_names.get(e.kind, e.kind),
            e.source_label,
            e.note,
            float(e.points),
            float(e.rule_points),
            e.rule_key,
        ]
        for e in entries
    )
    return _book(_("%(name)s %(year)s年度履职记录") % {"name": name, "year": year}, header, body)


def rules_xlsx(rules: Iterable[DutyRule], kind_names: dict[str, str], year: int) -> bytes:
    header = [
        _("规则标识"),
        _("名称"),
        _("履职类型"),
        _("分值"),
        _("年度上限"),
        _("启用"),
        _("适用起始年度"),
        _("来源"),
    ]
    body = (
        [
            r.key,
            r.localized(),
            kind_names.get(r.kind, r.kind),
            float(r.points),
            float(r.cap_per_year) if r.cap_per_year is not None else None,
            _("是") if r.is_active else _("否"),
            r.year_from,
            _("本组织") if r.organization_id else _("平台默认"),
        ]
        for r in rules
    )
    return _book(_("%(year)s年度履职积分规则") % {"year": year}, header, body)


def roster_xlsx(rows: list[RosterRow], *, phones: bool) -> bytes:
    """The member directory; the phone column only for staff (`phones`)."""
    header = [_("委员"), _("界别"), _("专委会"), _("区县"), _("委员工作室"), _("届次"), _("常委"), _("工作单位及职务")]
    if phones:
        header.append(_("手机号码"))
    body = (
        [
            r.name,
            r.sector,
            "、".join(r.committees),
            r.district,
            "、".join(r.studios),
            r.term,
            _("是") if r.is_standing else "",
            r.workplace,
            *([r.phone] if phones else []),
        ]
        for r in rows
    )
    return _book(_("委员名录"), header, body)
