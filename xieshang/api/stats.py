"""The work report's figures over the API: every registered figure (core.figures) for a year or a span of dates,
beside the same span a year earlier; the numbers the report page and `annual_report` show."""

from __future__ import annotations

from datetime import date

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from xieshang.core import figures

router = Router(tags=["stats"])


class PeriodIn(Schema):
    year: int | None = None
    start: date | None = None
    end: date | None = None


class FigureOut(Schema):
    key: str
    section: str
    label: str
    unit: str
    question: str
    period: str
    value: int | float  # a share or an average has one decimal (core.figures.Figure.is_rate)
    previous: int | float


def _span(query: PeriodIn) -> tuple[date, date]:
    if query.start or query.end:
        if not (query.start and query.end) or query.start > query.end:
            raise ValidationError(_("按日期统计时请同时填写开始日期和结束日期，且开始日期不能晚于结束日期。"))
        return query.start, query.end
    year = query.year or date.today().year
    if not 2000 <= year <= 2100:
        raise ValidationError(_("年度超出范围。"))
    return date(year, 1, 1), date(year, 12, 31)


@router.get("/figures", response=list[FigureOut])
def list_figures(request, query: Query[PeriodIn]):
    organization = getattr(request, "organization", None)
    if organization is None or not rules.has_perm("stats.view_report", request.user, organization):
        raise PermissionDenied(_("只有本会机关工作人员和领导可以查看工作报告数据。"))
    start, end = _span(query)
    before = (figures.year_before(start), figures.year_before(end))
    return [
        FigureOut(
            key=f.key,
            section=f.section,
            label=str(f.label),
            unit=str(f.unit),
            question=str(f.question),
            period=f.period,
            value=f.value(organization.pk, start, end),
            previous=f.value(organization.pk, *before),
        )
        for f in figures.figures()
    ]
