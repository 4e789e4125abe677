"""The consultation figures of the annual work report, registered with the statistics face (core.figures):
consultations held (by kind), community-room topics settled (matters done for residents, 办实事), outcomes."""

from __future__ import annotations

from datetime import date

from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xieshang.core import figures
from xieshang.core.figures import BY_EVENT, BY_PLAN_YEAR, Dimension, Figure
from xieshang.workflow.selectors import state_tag

from .models import Consultation, Kind, Outcome, Topic
from .workflows import DONE, TOOK_PLACE


def held(organization_id: int, start: date, end: date) -> QuerySet[Consultation]:
    """Consultations that took place, by the meeting's date (the planned date where no start time was kept)."""
    on_day = Q(starts_at__date__range=(start, end)) | Q(starts_at__isnull=True, planned_date__range=(start, end))
    return Consultation.objects.filter(state_tag(TOOK_PLACE).q(), on_day, organization_id=organization_id)


def planned(organization_id: int, start: date, end: date) -> QuerySet[Consultation]:
    """The annual plan's consultations for the years the period covers (dropped ones included: the plan as made)."""
    return Consultation.objects.filter(organization_id=organization_id, plan_year__range=(start.year, end.year))


def topics_done(organization_id: int, start: date, end: date) -> QuerySet[Topic]:
    """Community-room topics carried out (a practical matter done for residents), by the day they were done."""
    return Topic.objects.filter(
        state_tag(DONE).q(), room__organization_id=organization_id, done_at__date__range=(start, end)
    ).select_related("room")


def outcomes_done(organization_id: int, start: date, end: date) -> QuerySet[Outcome]:
    return Outcome.objects.filter(
        state_tag(DONE).q(), organization_id=organization_id, done_at__date__range=(start, end)
    )


def promises_due(organization_id: int, start: date, end: date) -> QuerySet[Outcome]:
    """Promises of proposal replies (B replies and other dated commitments) that fell due in the period."""
    return Outcome.objects.filter(
        organization_id=organization_id, source=Outcome.Source.PROMISE, promised_on__range=(start, end)
    )


def promises_kept(organization_id: int, start: date, end: date) -> QuerySet[Outcome]:
    """Of those, the ones carried out by the promised date (done on or before it)."""
    return promises_due(organization_id, start, end).filter(state_tag(DONE).q(), done_at__date__lte=F("promised_on"))


def _promise_row(obj: Outcome) -> tuple[str, str, date | None]:
    return obj.title, obj.get_absolute_url(), obj.promised_on


def _consultation_row(obj: Consultation) -> tuple[str, str, date | None]:
    day = timezone.localdate(obj.starts_at) if obj.starts_at else obj.planned_date
    return obj.title, obj.get_absolute_url(), day


def _topic_row(obj: Topic) -> tuple[str, str, date | None]:
    return (
        f"{obj.title}（{obj.room.name}）",
        obj.get_absolute_url(),
        timezone.localdate(obj.done_at) if obj.done_at else None,
    )


def _outcome_row(obj: Outcome) -> tuple[str, str, date | None]:
    return obj.title, obj.get_absolute_url(), timezone.localdate(obj.done_at) if obj.done_at else None


FIGURES = (
    Figure(
        key="consultations_held",
        label=_("开展协商活动"),
        unit=_("次"),
        question=_("期间举行了多少次协商（按会议日期）？"),
        period=BY_EVENT,
        section="consultations",
        records=held,
        row=_consultation_row,
        order=10,
        dimensions=(Dimension("kind", _("协商形式"), "kind", {str(k): v for k, v in Kind.choices}),),
        sentence=_("开展各类协商活动{value}次"),
        day="planned_date",
    ),
    Figure(
        key="consultations_planned",
        label=_("年度协商计划"),
        unit=_("次"),
        question=_("期间所含年度的协商计划安排了多少次协商？"),
        period=BY_PLAN_YEAR,
        section="consultations",
        records=planned,
        row=_consultation_row,
        order=5,
        dimensions=(Dimension("kind", _("协商形式"), "kind", {str(k): v for k, v in Kind.choices}),),
        day="planned_date",
    ),
    Figure(
        key="consultation_outcomes_done",
        label=_("协商成果办结"),
        unit=_("项"),
        question=_("期间有多少项协商成果落实办结？"),
        period=BY_EVENT,
        section="consultations",
        records=outcomes_done,
        row=_outcome_row,
        order=20,
        dimensions=(Dimension("source", _("来源"), "source", {str(k): v for k, v in Outcome.Source.choices}),),
        day="done_at",
    ),
    Figure(
        key="proposal_promises_due",
        label=_("提案办理承诺到期"),
        unit=_("项"),
        question=_("期间到期的提案办理承诺（B 类答复等写明完成时限的答复）有多少项？"),
        period=BY_EVENT,
        section="proposals",
        records=promises_due,
        row=_promise_row,
        order=90,
        dimensions=(Dimension("unit", _("承办单位"), "owner_unit__name"),),
        day="promised_on",
    ),
    Figure(
        key="proposal_promises_kept_on_time",
        label=_("提案办理承诺按期兑现"),
        unit=_("项"),
        question=_("期间到期的提案办理承诺中，有多少项在承诺时限内落实办结？"),
        period=BY_EVENT,
        section="proposals",
        records=promises_kept,
        row=_promise_row,
        order=91,
        dimensions=(Dimension("unit", _("承办单位"), "owner_unit__name"),),
        sentence=_("按期兑现提案办理承诺{value}项"),
        day="promised_on",
    ),
    Figure(
        key="room_topics_done",
        label=_("议事室议题办结"),
        unit=_("件"),
        question=_("期间有多少个“有事好商量”议事室议题落实办结？"),
        period=BY_EVENT,
        section="people",
        records=topics_done,
        row=_topic_row,
        order=10,
        dimensions=(
            Dimension("room", _("议事室"), "room__name"),
            Dimension("district", _("所在区县"), "room__community__district"),
        ),
        sentence=_("通过“有事好商量”协商议事室办结群众身边事{value}件"),
        day="done_at",
    ),
)


def register() -> None:
    figures.register(*FIGURES)
