from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstructionsConfig(AppConfig):
    name = "xieshang.instructions"
    label = "instructions"
    verbose_name = _("领导批示")

    def ready(self):
        from . import personal_data

        personal_data.register_sources()
