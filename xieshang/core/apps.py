from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "xieshang.core"
    label = "core"
    verbose_name = _("平台")

    def ready(self) -> None:
        from . import navigation

        navigation.register(
            navigation.NavEntry("workbench", _("我的待办"), "core:workbench", lambda u, o: True, order=0)
        )
