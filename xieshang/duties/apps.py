from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutiesConfig(AppConfig):
    name = "xieshang.duties"
    label = "duties"
    verbose_name = _("履职")

    def ready(self):
        from xieshang.accounts.models import Role
        from xieshang.accounts.selectors import has_role
        from xieshang.core import navigation

        navigation.register(
            navigation.NavEntry(
                "duties",
                _("我的履职"),
                "duties:mine",
                lambda u, o: o is not None and (has_role(u, Role.MEMBER, o) or has_role(u, Role.INFORMANT, o)),
                order=600,
            )
        )
