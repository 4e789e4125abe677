from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "xieshang.proposals"
    label = "proposals"
    verbose_name = _("提案")

    def ready(self):
        from . import (
            hooks,
            roles,
            rules,  # noqa: F401 - registers the permissions
            search_wiring,
        )

        roles.register()
        hooks.register()
        search_wiring.register()

        from django.db.models.signals import post_delete, post_save

        from .models import ProposalSettings
        from .selectors import forget_settings

        def settings_changed(instance, **kwargs):
            forget_settings(instance.organization_id)

        post_save.connect(settings_changed, sender=ProposalSettings, dispatch_uid="proposal_settings_saved", weak=False)
        post_delete.connect(
            settings_changed, sender=ProposalSettings, dispatch_uid="proposal_settings_deleted", weak=False
        )
        try:
            from . import wiring
        except ImportError:  # workbench, navigation and demo arrive in a later commit
            return
        wiring.register()
