from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save
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

        workflows.register()
        roles.register()
        hooks.register()
        search_wiring.register()
        timeline.register()
        wiring.register()
        figures.register()
        from .personal_data import register_sources

        register_sources()
        post_save.connect(_forget_settings, sender=OpinionSettings, dispatch_uid="opinions_settings_saved")
        post_delete.connect(_forget_settings, sender=OpinionSettings, dispatch_uid="opinions_settings_deleted")
        from .models import Recipient

        for name, signal, sender in (
            ("saved", post_save, Recipient),
            ("deleted", post_delete, Recipient),
            ("users", m2m_changed, Recipient.users.through),
        ):
            signal.connect(rules.forget_recipients, sender=sender, dispatch_uid=f"opinions_recipients_{name}")
