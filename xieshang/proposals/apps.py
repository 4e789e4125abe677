from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "xieshang.proposals"
    label = "proposals"
    verbose_name = _("提案")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from . import (
            figures,
            following,
            hooks,
            opendata,
            page_cache,
            promises,
            roles,
            rules,  # noqa: F401 - registers the permissions
            search_wiring,
            timeline,
            unit_wiring,
            wiring,
            workflows,
        )
        from .personal_data import register_sources

        register_sources()
        from .models import ProposalSettings

        workflows.register_requirements()
        roles.register()
        hooks.register()
        page_cache.register()
        search_wiring.register()
        timeline.register()
        wiring.register()
        figures.register()
        opendata.register()
        following.register()
        promises.register()
        unit_wiring.register()

        # Cache coherence (decision 0008): a saved or deleted settings row is read again.
        def settings_changed(instance, **kwargs):
            ProposalSettings.forget(instance.organization_id)

        post_save.connect(settings_changed, sender=ProposalSettings, dispatch_uid="proposal_settings_saved", weak=False)
        post_delete.connect(
            settings_changed, sender=ProposalSettings, dispatch_uid="proposal_settings_deleted", weak=False
        )
