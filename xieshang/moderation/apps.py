from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    name = "xieshang.moderation"
    label = "moderation"
    verbose_name = _("内容审核")

    def ready(self) -> None:
        from xieshang.audit.actions import register_resolver
        from xieshang.core import navigation, workbench

        from . import workbench as providers
        from .registry import may_moderate_any, registered

        labels = {"moderation.blocklist_save": _("修改敏感词"), "moderation.mode_save": _("修改审核方式")}
        register_resolver(lambda code: str(labels[code]) if code in labels else None)
        # Kept until a write of a moderated model or of the moderation settings (the kinds register later: asked once).
        workbench.register(
            providers.queue_section, order=405, reads=lambda: ("moderation", *(k.model for k in registered()))
        )
        navigation.register(
            navigation.NavEntry(
                "moderation",
                _("内容审核"),
                "moderation:queue",
                lambda u, o: o is not None and may_moderate_any(u, o),
                order=416,
            )
        )
