from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "xieshang.proposals"
    label = "proposals"
    verbose_name = _("提案")

    def ready(self):
        from . import (
            rules,  # noqa: F401 - registers the permissions
            workflow_hooks,
        )

        workflow_hooks.register()
        try:
            from . import wiring
        except ImportError:  # workbench, navigation and demo arrive in a later commit
            return
        wiring.register()
