"""The sessions' figures for the statistics face: meetings held, attendance, speeches ("大会发言"). A meeting and
what happened at it count on its opening day."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xieshang.core import figures
from xieshang.core.figures import BY_EVENT, Dimension, Figure

from .models import Attendance, Session, Speech

KIND = Dimension("kind", _("会议类型"), "kind", {str(k): v for k, v in Session.Kind.choices})


def held(organization_id: int, start: date, end: date) -> QuerySet[Session]:
    return Session.objects.filter(
        organization_id=organization_id, state=Session.State.CLOSED, starts_at__date__range=(start, end)
    )


def attended(organization_id: int, start: date, end: date) -> QuerySet[Attendance]:
    return Attendance.objects.filter(
        organization_id=organization_id,
        status=Attendance.Status.ATTENDED,
        session__starts_at__date__range=(start, end),
    ).select_related("session", "member")


def absent(organization_id: int, start: date, end: date) -> QuerySet[Attendance]:
    return Attendance.objects.filter(
        organization_id=organization_id,
        status=Attendance.Status.ABSENT,
        session__starts_at__date__range=(start, end),
    ).select_related("session", "member")


def counted(organization_id: int, start: date, end: date) -> QuerySet[Attendance]:
    """The attendances that count for the rate: present or absent (an approved leave counts neither way), the
    duty rules' 出勤率 = 出席 ÷（出席 + 缺席）."""
    return Attendance.objects.filter(
        organization_id=organization_id,
        status__in=(Attendance.Status.ATTENDED, Attendance.Status.ABSENT),
        session__state=Session.State.CLOSED,
        session__starts_at__date__range=(start, end),
    ).select_related("session", "member")


def speeches(status: str | None):
    def records(organization_id: int, start: date, end: date) -> QuerySet[Speech]:
        found = Speech.objects.filter(organization_id=organization_id, session__starts_at__date__range=(start, end))
        return (found.filter(status=status) if status else found).select_related("session")

    return records


def _session_row(obj: Session) -> tuple[str, str, date | None]:
    return obj.title, obj.get_absolute_url(), timezone.localdate(obj.starts_at)


def _attendance_row(obj: Attendance) -> tuple[str, str, date | None]:
    return (
        f"{obj.member.display_name} · {obj.session.title}",
        obj.get_absolute_url(),
        timezone.localdate(obj.session.starts_at),
    )


def _speech_row(obj: Speech) -> tuple[str, str, date | None]:
    return obj.title, obj.get_absolute_url(), timezone.localdate(obj.session.starts_at)


def _figure(key, label, unit, question, records, row, order, *, day, dimension=None, sentence="", part=None) -> Figure:
    return Figure(
        key=key,
        label=label,
        unit=unit,
        question=question,
        period=BY_EVENT,
        section="members",
        records=records,
        row=row,
        order=order,
        dimensions=(dimension,) if dimension else (),
        sentence=sentence,
        day=day,
        part=part,
    )


SESSION_KIND = Dimension("kind", _("会议类型"), "session__kind", {str(k): v for k, v in Session.Kind.choices})

FIGURES = (
    _figure(
        "sessions_held",
        _("召开全体会议和常委会议"),
        _("次"),
        _("期间召开了多少次全体会议和常委会议？"),
        held,
        _session_row,
        10,
        day="starts_at",
        dimension=KIND,
        sentence=_("召开全体会议和常委会议{value}次"),
    ),
    _figure(
        "session_attendances",
        _("委员出席会议"),
        _("人次"),
        _("期间的全体会议和常委会议有多少人次出席？"),
        attended,
        _attendance_row,
        20,
        day="session__starts_at",
        dimension=SESSION_KIND,
    ),
    _figure(
        "session_absences",
        _("委员缺席会议"),
        _("人次"),
        _("期间的全体会议和常委会议有多少人次无故缺席（不含准假）？"),
        absent,
        _attendance_row,
        30,
        day="session__starts_at",
        dimension=SESSION_KIND,
    ),
    _figure(
        "session_attendance_rate",
        _("委员出席会议率"),
        "%",
        _("期间的全体会议和常委会议，出席的人次占出席和缺席人次的百分之几（准假不计）？"),
        counted,
        _attendance_row,
        35,
        day="session__starts_at",
        dimension=SESSION_KIND,
        sentence=_("委员出席全体会议和常委会议的出席率为{value}%"),
        part=Q(status=Attendance.Status.ATTENDED),
    ),
    _figure(
        "session_speeches",
        _("大会书面发言"),
        _("篇"),
        _("期间的会议收到多少篇书面发言？"),
        speeches(None),
        _speech_row,
        40,
        day="session__starts_at",
        dimension=SESSION_KIND,
        sentence=_("收到大会书面发言{value}篇"),
    ),
    _figure(
        "session_speeches_delivered",
        _("大会口头发言"),
        _("篇"),
        _("期间的会议有多少篇发言作了口头发言？"),
        speeches(Speech.Status.DELIVERED),
        _speech_row,
        50,
        day="session__starts_at",
        dimension=SESSION_KIND,
        sentence=_("其中大会口头发言{value}篇"),
    ),
)


def register() -> None:
    figures.register(*FIGURES)
