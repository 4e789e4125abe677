from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliberationConfig(AppConfig):
    name = "xieshang.deliberation"
    label = "deliberation"
    verbose_name = _("意见地图")

    def ready(self):
        from xieshang.accounts.selectors import user_organization_ids
        from xieshang.core import navigation, workbench

        from . import personal_data
        from . import workbench as providers

        personal_data.register_sources()

        from . import moderation

        moderation.register()

        workbench.register(providers.moderation_section, order=400, reads=("deliberation",))
        navigation.register(
            navigation.NavEntry(
                "deliberation",
                _("意见征集"),
                "deliberation:list",
                lambda u, o: o is not None and o.pk in user_organization_ids(u),
                order=400,
            )
        )
