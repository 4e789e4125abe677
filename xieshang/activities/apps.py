from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "xieshang.activities"
    label = "activities"
    verbose_name = _("履职活动")

    def ready(self):
        from . import (
            figures,
            personal_data,
            rules,  # noqa: F401 - registers the permissions
            wiring,
        )

        wiring.register()
        personal_data.register_sources()
        figures.register()
