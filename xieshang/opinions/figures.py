"""The opinion-information figures of the annual work report ("编发社情民意信息1151件，向市委市政府报送及相关委局
转办779件，向省政协报送372件，被全国政协办公厅采用9件"), registered with the statistics face (core.figures).

Each figure lists reports, each report once; the statistics page (statistics.py) counts through the same functions.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xieshang.accounts.models import MemberProfile
from xieshang.core import figures
from xieshang.core.figures import BY_EVENT, BY_SUBMISSION, Dimension, Figure
from xieshang.instructions.models import Instruction

from .models import Adoption, Dispatch, Forward, Level, Report


def _reports(organization_id: int) -> QuerySet[Report]:
    return Report.objects.filter(organization_id=organization_id).select_related("submitter")


def collected(organization_id: int, start: date, end: date) -> QuerySet[Report]:
    return _reports(organization_id).filter(submitted_at__date__range=(start, end))


def edited(organization_id: int, start: date, end: date) -> QuerySet[Report]:
    return _reports(organization_id).filter(edited_at__date__range=(start, end))


def sent_to(level: str):
    def records(organization_id: int, start: date, end: date) -> QuerySet[Report]:
        sent = Dispatch.objects.filter(level=level, sent_at__date__range=(start, end)).values("report_id")
        return _reports(organization_id).filter(pk__in=sent)

    return records


def to_own_level(organization_id: int, start: date, end: date) -> QuerySet[Report]:
    """Sent to the conference's own party committee and government, or forwarded to a bureau (转办): each once."""
    sent = Dispatch.objects.filter(level=Level.OWN, sent_at__date__range=(start, end)).values("report_id")
    forwarded = Forward.objects.filter(forwarded_at__date__range=(start, end)).values("report_id")
    return _reports(organization_id).filter(Q(pk__in=sent) | Q(pk__in=forwarded))


def adopted_at(level: str):
    def records(organization_id: int, start: date, end: date) -> QuerySet[Report]:
        adopted = Adoption.objects.filter(level=level, adopted_on__range=(start, end)).values("report_id")
        return _reports(organization_id).filter(pk__in=adopted)

    return records


def instructed(organization_id: int, start: date, end: date) -> QuerySet[Report]:
    given = Instruction.objects.filter(
        report__organization_id=organization_id, instructed_on__range=(start, end)
    ).values("object_id")
    return _reports(organization_id).filter(pk__in=given)


def _row(report: Report) -> tuple[str, str, date | None]:
    return (
        report.title,
        report.get_absolute_url(),
        timezone.localdate(report.submitted_at) if report.submitted_at else None,
    )


DIMENSIONS = (
    Dimension("sector", _("界别"), "sector__name"),
    Dimension("party", _("党派"), "party", dict(MemberProfile.Party.choices)),
)


def _figure(key, label, question, records, period=BY_EVENT, order=100, sentence="", day="") -> Figure:
    return Figure(
        key=key,
        label=label,
        unit=_("件"),
        question=question,
        period=period,
        section="opinions",
        records=records,
        row=_row,
        order=order,
        dimensions=DIMENSIONS,
        sentence=sentence,
        day=day,
    )


FIGURES = (
    _figure(
        "opinion_reports_collected",
        _("收到社情民意信息"),
        _("期间收到了多少篇社情民意信息稿件？"),
        collected,
        period=BY_SUBMISSION,
        order=10,
        day="submitted_at",
    ),
    _figure(
        "opinion_reports_edited",
        _("编发社情民意信息"),
        _("期间编辑完成了多少篇信息？"),
        edited,
        order=20,
        day="edited_at",
        sentence=_("编发社情民意信息{value}件"),
    ),
    _figure(
        "opinion_reports_to_city",
        _("向本级党委政府报送及相关委局转办"),
        _("期间有多少篇信息报送本级党委政府或转办有关部门（每篇计一次）？"),
        to_own_level,
        order=30,
        sentence=_("向市委市政府报送及相关委局转办{value}件"),
    ),
    _figure(
        "opinion_reports_to_province",
        _("向省政协报送"),
        _("期间有多少篇信息报送省政协？"),
        sent_to(Level.PROVINCIAL),
        order=40,
        sentence=_("向省政协报送{value}件"),
    ),
    _figure(
        "opinion_reports_to_national",
        _("向全国政协报送"),
        _("期间有多少篇信息报送全国政协？"),
        sent_to(Level.NATIONAL),
        order=45,
    ),
    _figure(
        "opinion_reports_adopted_national",
        _("被全国政协办公厅采用"),
        _("期间有多少篇信息被全国政协采用？"),
        adopted_at(Level.NATIONAL),
        order=50,
        sentence=_("被全国政协办公厅采用{value}件"),
    ),
    _figure(
        "opinion_reports_adopted_provincial",
        _("被省政协采用"),
        _("期间有多少篇信息被省政协采用？"),
        adopted_at(Level.PROVINCIAL),
        order=55,
    ),
    _figure(
        "opinion_reports_instructed",
        _("获领导批示"),
        _("期间有多少篇信息获得领导批示？"),
        instructed,
        order=60,
        sentence=_("获得领导批示{value}件"),
    ),
)


def register() -> None:
    figures.register(*FIGURES)
