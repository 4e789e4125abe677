from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "xieshang.consultations"
    label = "consultations"
    verbose_name = _("协商活动")

    def ready(self):
        from . import (
            figures,
            following,
            hooks,
            opendata,
            roles,
            rules,  # noqa: F401 - registers the permissions
            search_wiring,
            timeline,
            wiring,
        )

        roles.register()
        hooks.register()
        search_wiring.register()
        timeline.register()
        wiring.register()
        figures.register()
        opendata.register()
        following.register()
