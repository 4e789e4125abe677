"""What the registers app registers with the faces: its menu entries."""

from __future__ import annotations

import rules
from django.utils.translation import gettext_lazy

from xieshang.core import navigation


def _can(perm: str):
    return lambda user, organization: organization is not None and rules.has_perm(perm, user, organization)


def register() -> None:
    navigation.register(
        navigation.NavEntry(
            "party_reports", gettext_lazy("请示报告"), "registers:party_reports", _can("registers.view"), 880
        )
    )
    navigation.register(
        navigation.NavEntry("matters", gettext_lazy("办实事台账"), "registers:matters", _can("registers.view"), 885)
    )
    navigation.register(
        navigation.NavEntry(
            "visitor_groups", gettext_lazy("文史馆参观"), "registers:visitor_groups", _can("registers.view"), 887
        )
    )
