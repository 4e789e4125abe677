from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssembliesConfig(AppConfig):
    """Plenary sessions and standing-committee meetings (会议). Named "assemblies", not "sessions": the label
    `sessions` belongs to django.contrib.sessions."""

    name = "xieshang.assemblies"
    label = "assemblies"
    verbose_name = _("全体会议与常委会议")

    def ready(self):
        from . import (
            figures,
            rules,  # noqa: F401 - registers the permissions
            wiring,
        )

        wiring.register()
        figures.register()
