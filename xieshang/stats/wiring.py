"""What the statistics face registers: its menu entry."""

from __future__ import annotations

import rules
from django.utils.translation import gettext_lazy

from xieshang.core import navigation


def _can_view(user, organization) -> bool:
    return organization is not None and rules.has_perm("stats.view_report", user, organization)


def register() -> None:
    navigation.register(
        navigation.NavEntry("annual_report", gettext_lazy("年度工作报告数据"), "stats:report", _can_view, 900)
    )
