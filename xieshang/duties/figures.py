"""The duty file's figures for the statistics face: how many members were credited in the period and their average
points. A duty entry counts on the day of the act it records (occurred_on), whatever day it was written."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from xieshang.accounts.models import User
from xieshang.core import figures
from xieshang.core.figures import BY_EVENT, Dimension, Figure

from .models import DutyEntry


def entries(organization_id: int, start: date, end: date) -> QuerySet[DutyEntry]:
    return DutyEntry.objects.filter(organization_id=organization_id, occurred_on__range=(start, end)).select_related(
        "member"
    )


def members_credited(organization_id: int, start: date, end: date) -> QuerySet[User]:
    """The members with at least one duty entry in the period (each once)."""
    credited = entries(organization_id, start, end).values("member_id")
    return User.objects.filter(pk__in=credited)


def _member_row(user: User) -> tuple[str, str, date | None]:
    return user.display_name, reverse("duties:member", args=[user.pk]), None


def _entry_row(entry: DutyEntry) -> tuple[str, str, date | None]:
    return (
        f"{entry.member.display_name} · {entry.source_label}（{entry.points:+}）",
        reverse("duties:member", args=[entry.member_id]),
        entry.occurred_on,
    )


KIND = Dimension("kind", _("履职类型"), "kind")

FIGURES = (
    Figure(
        key="duty_members_credited",
        label=_("有履职记录的委员"),
        unit=_("人"),
        question=_("期间有多少位委员记入了履职档案（至少一条记录）？"),
        period=BY_EVENT,
        section="members",
        records=members_credited,
        row=_member_row,
        order=60,
        dimensions=(Dimension("sector", _("界别"), "member_profiles__sector__name"),),
        sentence=_("{value}位委员记入履职档案"),
    ),
    Figure(
        key="duty_points_average",
        label=_("委员平均履职积分"),
        unit=_("分"),
        question=_("期间记入履职档案的委员人均得了多少积分（积分合计 ÷ 有记录的委员人数）？"),
        period=BY_EVENT,
        section="members",
        records=entries,
        row=_entry_row,
        order=65,
        dimensions=(KIND,),
        sentence=_("人均履职积分{value}分"),
        day="occurred_on",
        total="points",
        per="member",
    ),
)


def register() -> None:
    figures.register(*FIGURES)
