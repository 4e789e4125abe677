from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "xieshang.notifications"
    label = "notifications"
    verbose_name = _("通知")

    def ready(self):
        from xieshang.core import context_processors, navigation, workbench

        from .selectors import page_context
        from .workbench import unread_section

        workbench.register(unread_section, order=900)
        navigation.register(
            navigation.NavEntry("inbox", _("消息"), "notifications:inbox", lambda u, o: True, order=900)
        )
        context_processors.register(page_context)
