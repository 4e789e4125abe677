from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutiesConfig(AppConfig):
    name = "xieshang.duties"
    label = "duties"
    verbose_name = _("履职")

    def ready(self):
        from . import figures, wiring

        wiring.register()
        figures.register()
        from .personal_data import register_sources

        register_sources()
