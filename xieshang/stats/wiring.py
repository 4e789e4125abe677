"""What the statistics face registers: its menu entries, and the signal receivers that tell the figures cache a
counted record changed."""

from __future__ import annotations

import rules
from django.utils.translation import gettext_lazy

from xieshang.core import navigation


def _can(perm: str):
    return lambda user, organization: organization is not None and rules.has_perm(perm, user, organization)


def _changed(sender, using="default", **kwargs) -> None:
    from .selectors import records_changed, watched_tables

    if sender._meta.db_table in watched_tables():
        records_changed(using)


def register() -> None:
    from django.db.models.signals import m2m_changed, post_delete, post_save

    # The report's figures are kept in the cache until a record they count changes (selectors.values_for).
    post_save.connect(_changed, dispatch_uid="stats.figures.saved")
    post_delete.connect(_changed, dispatch_uid="stats.figures.deleted")
    m2m_changed.connect(_changed, dispatch_uid="stats.figures.m2m")
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
