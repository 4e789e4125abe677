from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    """The statistics face: the annual work report's figures, read from the registry (core.figures) that every
    domain app fills; no domain import."""

    name = "xieshang.stats"
    label = "stats"
    verbose_name = _("统计")

    def ready(self):
        from . import rules, wiring

        del rules  # imported for its permissions
        wiring.register()
