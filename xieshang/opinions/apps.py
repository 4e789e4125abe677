from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


def _forget_settings(sender, instance, **kwargs) -> None:
    """Cache coherence (decision 0008 keeps these receivers): a saved or deleted settings row is read anew."""
    sender.forget(instance.organization_id)


class OpinionsConfig(AppConfig):
    name = "xieshang.opinions"
    label = "opinions"
    verbose_name = _("社情民意")

    def ready(self):
        from . import figures, hooks, roles, rules, search_wiring, timeline, wiring, workflows
        from .models import OpinionSettings

        del rules  # imported for its permissions
        workflows.register()
        roles.register()
        hooks.register()
        search_wiring.register()
        timeline.register()
        wiring.register()
        figures.register()
        post_save.connect(_forget_settings, sender=OpinionSettings, dispatch_uid="opinions_settings_saved")
        post_delete.connect(_forget_settings, sender=OpinionSettings, dispatch_uid="opinions_settings_deleted")
