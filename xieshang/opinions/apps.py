from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpinionsConfig(AppConfig):
    name = "xieshang.opinions"
    label = "opinions"
    verbose_name = _("社情民意")

    def ready(self):
        from . import search_wiring, wiring

        wiring.register()
        search_wiring.register()
