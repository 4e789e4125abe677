from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "xieshang.notifications"
    label = "notifications"
    verbose_name = _("通知")

    def ready(self):
        from xieshang.core import workbench

        from .workbench import unread_section

        workbench.register(unread_section, order=900)
