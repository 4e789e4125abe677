from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnnouncementsConfig(AppConfig):
    """Announcements (通知公告) from the conference to members, unit officers or residents, with read receipts."""

    name = "xieshang.announcements"
    label = "announcements"
    verbose_name = _("通知公告")

    def ready(self):
        from . import (
            rules,  # noqa: F401 - registers the permissions
            wiring,
        )

        wiring.register()
