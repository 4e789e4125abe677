"""The registers' figures ("累计为群众办实事2300余件", "向市委报告重要事项29次", "省内外到访参观150余批次"),
registered with the statistics face."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from xieshang.core import figures
from xieshang.core.figures import BY_EVENT, Dimension, Figure

from .models import Matter, PartyReport, VisitorGroup


def matters_done(organization_id: int, start: date, end: date) -> QuerySet[Matter]:
    return Matter.objects.filter(organization_id=organization_id, done_on__range=(start, end))


def party_reports(organization_id: int, start: date, end: date) -> QuerySet[PartyReport]:
    return PartyReport.objects.filter(organization_id=organization_id, reported_on__range=(start, end))


def visitor_groups(organization_id: int, start: date, end: date) -> QuerySet[VisitorGroup]:
    return VisitorGroup.objects.filter(organization_id=organization_id, visited_on__range=(start, end))


FIGURES = (
    Figure(
        key="matters_done_for_residents",
        label=_("为群众办实事"),
        unit=_("件"),
        question=_("期间为群众办成了多少件实事（议事室、委员工作室、履职活动、提案办理等各来源合计）？"),
        period=BY_EVENT,
        section="people",
        records=matters_done,
        row=lambda m: (m.title, m.get_absolute_url(), m.done_on),
        order=1,
        dimensions=(
            Dimension("source", _("来源"), "source", {str(k): v for k, v in Matter.Source.choices}),
            Dimension("place", _("地点或社区"), "place"),
        ),
        sentence=_("为群众办实事{value}件"),
        day="done_on",
    ),
    Figure(
        key="reports_to_party_committee",
        label=_("向党委请示报告重要事项"),
        unit=_("次"),
        question=_("期间向党委请示报告了多少次重要事项？"),
        period=BY_EVENT,
        section="party",
        records=party_reports,
        row=lambda r: (r.subject, r.get_absolute_url(), r.reported_on),
        order=1,
        dimensions=(Dimension("form", _("报告方式"), "form", {str(k): v for k, v in PartyReport.Form.choices}),),
        sentence=_("向市委报告重要事项{value}次"),
        day="reported_on",
    ),
    Figure(
        key="history_hall_visitor_groups",
        label=_("文史馆接待参观"),
        unit=_("批次"),
        question=_("期间文史馆接待了多少批来访参观团组（按参观日期）？"),
        period=BY_EVENT,
        section="culture",
        records=visitor_groups,
        row=lambda g: (f"{g.name}（{g.people}人）", g.get_absolute_url(), g.visited_on),
        order=90,
        dimensions=(Dimension("origin", _("来自"), "origin", {str(k): v for k, v in VisitorGroup.Origin.choices}),),
        sentence=_("文史馆接待省内外到访参观{value}批次"),
        day="visited_on",
    ),
)


def register() -> None:
    figures.register(*FIGURES)
