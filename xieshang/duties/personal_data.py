"""What the duty file holds about a member, for the PIPL download (core.personal_data, decision 0036): his duty
entries (履职记录) and their points. Export only: the duty file is the conference's record of his term, and members do
not ask for erasure on the platform (decision 0032)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

from xieshang.core.personal_data import Erased, Row, Source, register

from .models import DutyEntry


def _entries(user: Any) -> list[Row]:
    return [
        {
            "year": e.year,
            "kind": e.rule.localized() if e.rule is not None else e.kind,
            "source": e.source_label,
            "points": e.points,
            "note": e.note,
            "occurred_on": e.occurred_on,
        }
        for e in DutyEntry.objects.filter(member=user).select_related("rule").order_by("occurred_on", "pk")
    ]


def _keep(user: Any, erased: Erased) -> int:
    return 0


def register_sources() -> None:
    register(
        Source(
            key="duty_entries",
            title=gettext_lazy("我的履职记录"),
            description=gettext_lazy("您的履职记录和积分。属于委员履职档案，依规保存。"),
            fields={
                "year": gettext_lazy("年度"),
                "kind": gettext_lazy("履职事项"),
                "source": gettext_lazy("来源"),
                "points": gettext_lazy("积分"),
                "note": gettext_lazy("说明"),
                "occurred_on": gettext_lazy("日期"),
            },
            export=_entries,
            anonymize=_keep,
            order=42,
        )
    )
