"""The activity figures of the annual work report ("督导指导防汛救灾工作68次", "提交调研报告29篇",
"召开10次现场推进会", members' donations "700多万元", "800多万元", "2亿多元" and volunteering), registered with
the statistics face (core.figures). An activity counts on the day it took place; kinds are data, so a figure names
the kind's key (defaults.DEFAULT_KINDS), which an organization's own kind keeps."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xieshang.core import figures
from xieshang.core.figures import BY_EVENT, Dimension, Figure

from .models import Activity, ActivityOutput, Participation, Visit

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


def visits(kind_key: str):
    """The visits recorded by the groups of activities of one kind (a supervision's 68 visits), by the visit's day."""

    def records(organization_id: int, start: date, end: date) -> QuerySet[Visit]:
        return Visit.objects.filter(
            organization_id=organization_id, activity__kind__key=kind_key, visited_at__date__range=(start, end)
        ).select_related("activity", "group")

    return records


def _visit_row(obj: Visit) -> tuple[str, str, date | None]:
    return f"{obj.activity.title} · {obj.place}", obj.activity.get_absolute_url(), timezone.localdate(obj.visited_at)


GROUP = Dimension("group", _("工作组"), "group__name")


def research_reports(organization_id: int, start: date, end: date) -> QuerySet[ActivityOutput]:
    """Research reports handed in from activities that took place in the period (by the activity's day)."""
    return ActivityOutput.objects.filter(
        kind=ActivityOutput.Kind.REPORT,
        activity__organization_id=organization_id,
        activity__state__in=TOOK_PLACE,
        activity__starts_at__date__range=(start, end),
    ).select_related("activity")


def _activity_row(obj: Activity) -> tuple[str, str, date | None]:
    return obj.title, obj.get_absolute_url(), timezone.localdate(obj.starts_at)


def _output_row(obj: ActivityOutput) -> tuple[str, str, date | None]:
    return obj.title, obj.activity.get_absolute_url(), timezone.localdate(obj.activity.starts_at)


def given(field: str):
    """The participations in charity activities (公益) that took place in the period and recorded `field`: a member's
    donation in money, in goods, what he mobilised, or his volunteer hours, dated by the activity's day."""

    def records(organization_id: int, start: date, end: date) -> QuerySet[Participation]:
        return Participation.objects.filter(
            activity__organization_id=organization_id,
            activity__kind__key="charity",
            activity__state__in=TOOK_PLACE,
            activity__starts_at__date__range=(start, end),
            **{f"{field}__gt": 0},
        ).select_related("activity", "member")

    return records


def _gift_row(obj: Participation) -> tuple[str, str, date | None]:
    amounts = [
        f"{label} {value:,}"
        for label, value in (
            (_("捐款"), obj.donation_money),
            (_("捐物"), obj.donation_goods),
            (_("动员"), obj.donation_mobilised),
            (_("志愿小时"), obj.volunteer_hours),
        )
        if value
    ]
    return (
        f"{obj.member.display_name} · {obj.activity.title}（{'，'.join(str(a) for a in amounts)}）",
        obj.activity.get_absolute_url(),
        timezone.localdate(obj.activity.starts_at),
    )


ACTIVITY = Dimension("activity", _("活动"), "activity__title")


def _given(key, field, label, unit, question, order, sentence="") -> Figure:
    return Figure(
        key=key,
        label=label,
        unit=unit,
        question=question,
        period=BY_EVENT,
        section="activities",
        records=given(field),
        row=_gift_row,
        order=order,
        dimensions=(ACTIVITY,),
        sentence=sentence,
        day="activity__starts_at",
        total=field,
    )


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
    Figure(
        key="supervision_visits",
        label=_("督导走访"),
        unit=_("次"),
        question=_("期间各督导组走访督导了多少次（按走访日期）？"),
        period=BY_EVENT,
        section="activities",
        records=visits("supervision"),
        row=_visit_row,
        order=10,
        dimensions=(GROUP,),
        sentence=_("督导指导{value}次"),
        day="visited_at",
    ),
    Figure(
        key="survey_visits",
        label=_("调研走访"),
        unit=_("次"),
        question=_("期间各调研组调研督导了多少次（按走访日期）？"),
        period=BY_EVENT,
        section="activities",
        records=visits("research"),
        row=_visit_row,
        order=15,
        dimensions=(GROUP,),
        sentence=_("调研督导{value}次"),
        day="visited_at",
    ),
    _activities(
        "supervision_activities",
        "supervision",
        _("督导活动"),
        _("期间开展了多少项督导活动（每项可有多个督导组和多次走访）？"),
        12,
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
    _given(
        "donations_money",
        "donation_money",
        _("委员捐款"),
        _("元"),
        _("期间委员在公益活动中捐款多少元？"),
        80,
        _("委员捐款{value}元"),
    ),
    _given(
        "donations_goods",
        "donation_goods",
        _("委员捐物折价"),
        _("元"),
        _("期间委员在公益活动中捐赠物资折价多少元？"),
        81,
        _("捐赠物资折价{value}元"),
    ),
    _given(
        "donations_mobilised",
        "donation_mobilised",
        _("动员社会捐赠"),
        _("元"),
        _("期间委员动员社会各界捐款捐物多少元？"),
        82,
        _("动员社会各界捐款捐物{value}元"),
    ),
    _given(
        "volunteer_hours",
        "volunteer_hours",
        _("志愿服务时长"),
        _("小时"),
        _("期间委员在公益活动中志愿服务多少小时？"),
        85,
        _("参加志愿服务{value}小时"),
    ),
)


def register() -> None:
    figures.register(*FIGURES)
