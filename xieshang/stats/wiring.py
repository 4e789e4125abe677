"""What the statistics face registers: its menu entry."""

from __future__ import annotations

import rules
from django.utils.translation import gettext_lazy

from xieshang.core import navigation


def _can(perm: str):
    return lambda user, organization: organization is not None and rules.has_perm(perm, user, organization)


def register() -> None:
    navigation.register(
        navigation.NavEntry(
            "dashboard", gettext_lazy("数据驾驶舱"), "stats:dashboard", _can("stats.view_dashboard"), 890
        )
    )
    navigation.register(
        navigation.NavEntry(
            "annual_report", gettext_lazy("年度工作报告数据"), "stats:report", _can("stats.view_report"), 900
        )
    )
