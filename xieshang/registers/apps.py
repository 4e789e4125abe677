from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistersConfig(AppConfig):
    """The registers the conference keeps beside its workflows: important matters reported to the party committee
    (请示报告) and the ledger of practical matters done for residents (为群众办实事台账), fed by every source."""

    name = "xieshang.registers"
    label = "registers"
    verbose_name = _("工作台账")

    def ready(self):
        from . import (
            figures,
            rules,  # noqa: F401 - registers the permissions
            wiring,
        )

        wiring.register()
        figures.register()
