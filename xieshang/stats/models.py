"""An organization's own layout of the leaders' dashboard (数据驾驶舱): which panels, which figures, in which order,
and where each district sits on the tile map. Without a row the defaults in dashboard.py apply; the system
administrator edits it in the admin site (validated against the figure registry)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class DashboardLayout(models.Model):
    organization = models.OneToOneField(
        "accounts.Organization", on_delete=models.CASCADE, related_name="dashboard_layout", verbose_name=_("组织")
    )
    panels = models.JSONField(
        _("面板"),
        default=list,
        blank=True,
        help_text=_(
            '按显示顺序排列的面板列表，每项如 {"kind": "breakdown", "figure": "proposals_submitted", '
            '"by": "stage"}。kind 可为 headline、trend、funnel、plan（用 figures 列出指标）、breakdown、'
            "map（用 figure 和 by）。留空则用默认布局。"
        ),
    )
    tiles = models.JSONField(
        _("区县方块图位置"),
        default=dict,
        blank=True,
        help_text=_('各区县在方块地图上的位置，如 {"金水区": [0, 2]}（行, 列，从 0 起）。未列出的区县排在后面。'),
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("数据驾驶舱布局")
        verbose_name_plural = _("数据驾驶舱布局")

    def __str__(self) -> str:
        return str(self.organization)

    def clean(self) -> None:
        from .layout import layout_errors, tile_errors

        errors = {}
        if problems := layout_errors(self.panels):
            errors["panels"] = problems
        if problems := tile_errors(self.tiles):
            errors["tiles"] = problems
        if errors:
            raise ValidationError(errors)
