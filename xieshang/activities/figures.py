"""The activity figures of the annual work report ("督导指导防汛救灾工作68次", "提交调研报告29篇",
"召开10次现场推进会"), registered with the statistics face (core.figures). An activity counts on the day it took
place; kinds are data, so a figure names the kind's key (defaults.DEFAULT_KINDS), which an organization's own kind
keeps."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from xieshang.core import figures
from xieshang.core.figures import BY_EVENT, Dimension, Figure

from .models import Activity, ActivityOutput

TOOK_PLACE = (Activity.State.HELD, Activity.State.CLOSED)


def held(kind_key: str):
    def records(organization_id: int, start: date, end: date) -> QuerySet[Activity]:
        return Activity.objects.filter(
            organization_id=organization_id,
            kind__key=kind_key,
            state__in=TOOK_PLACE,
            starts_at__date__range=(start, end),
        ).select_related("kind")

    return records


def research_reports(organization_id: int, start: date, end: date) -> QuerySet[ActivityOutput]:
    """Research reports handed in from activities that took place in the period (by the activity's day)."""
    return ActivityOutput.objects.filter(
        kind=ActivityOutput.Kind.REPORT,
        activity__organization_id=organization_id,
        activity__state__in=TOOK_PLACE,
        activity__starts_at__date__range=(start, end),
    ).select_related("activity")


def _activity_row(obj: Activity) -> tuple[str, str, date | None]:
    return obj.title, obj.get_absolute_url(), obj.starts_at.date()


def _output_row(obj: ActivityOutput) -> tuple[str, str, date | None]:
    return obj.title, obj.activity.get_absolute_url(), obj.activity.starts_at.date()


ORGANIZER = Dimension("organizer", _("组织方"), "organizer_kind", {str(k): v for k, v in Activity.Organizer.choices})


def _activities(key, kind_key, label, question, order, sentence="", unit=None) -> Figure:
    return Figure(
        key=key,
        label=label,
        unit=unit or _("次"),
        question=question,
        period=BY_EVENT,
        section="activities",
        records=held(kind_key),
        row=_activity_row,
        order=order,
        dimensions=(ORGANIZER,),
        sentence=sentence,
        day="starts_at",
    )


FIGURES = (
    _activities(
        "supervision_visits",
        "supervision",
        _("督导"),
        _("期间开展了多少次督导活动？"),
        10,
        _("开展督导{value}次"),
    ),
    _activities("inspections", "inspection", _("视察"), _("期间组织了多少次视察？"), 20, _("组织委员视察{value}次")),
    _activities("surveys", "research", _("调研"), _("期间开展了多少次调研？"), 30, _("开展调研{value}次")),
    Figure(
        key="research_reports",
        label=_("调研报告"),
        unit=_("篇"),
        question=_("期间举行的活动提交了多少篇调研报告？"),
        period=BY_EVENT,
        section="activities",
        records=research_reports,
        row=_output_row,
        order=40,
        dimensions=(Dimension("kind", _("活动类型"), "activity__kind__name"),),
        sentence=_("提交调研报告{value}篇"),
        day="activity__starts_at",
    ),
    _activities(
        "promotion_meetings",
        "promotion",
        _("现场推进会"),
        _("期间召开了多少次现场推进会？"),
        50,
        _("召开现场推进会{value}次"),
    ),
    _activities(
        "reading_activities", "reading", _("读书活动"), _("期间举办了多少次读书活动？"), 60, _("举办读书活动{value}次")
    ),
    _activities(
        "community_visits",
        "community",
        _("委员进社区"),
        _("期间开展了多少次委员进社区活动？"),
        70,
        _("开展委员进社区活动{value}次"),
    ),
)


def register() -> None:
    figures.register(*FIGURES)
