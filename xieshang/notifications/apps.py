from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "xieshang.notifications"
    label = "notifications"
    verbose_name = _("通知")

    def ready(self):
        from xieshang.core import context_processors, navigation, workbench

        from . import retention
        from .selectors import may_read_sms_log, page_context
        from .workbench import unread_section

        retention.register()
        workbench.register(unread_section, order=900)
        navigation.register(
            navigation.NavEntry("inbox", _("消息"), "notifications:inbox", lambda u, o: True, order=900)
        )
        context_processors.register(page_context)
        navigation.register(
            navigation.NavEntry("follows", _("我的关注"), "notifications:follows", lambda u, o: True, order=905)
        )
        # Messages and what one follows fold into one item of the menu (its unread badge shows on the item).
        navigation.register_group(navigation.NavGroup("messages", _("消息"), order=900, keys=("inbox", "follows")))
        navigation.register(
            navigation.NavEntry("sms_log", _("短信记录"), "notifications:sms_log", may_read_sms_log, order=960)
        )

        from . import personal_data

        personal_data.register_sources()
        self._forget_unread_on_write()

    def _forget_unread_on_write(self):
        from django.db.models.signals import post_delete, post_save

        from .models import Notification
        from .selectors import forget_unread

        def forget(sender, instance, **kwargs):
            forget_unread(instance.recipient_id)

        post_save.connect(forget, sender=Notification, weak=False, dispatch_uid="notifications.forget_unread")
        post_delete.connect(forget, sender=Notification, weak=False, dispatch_uid="notifications.forget_unread_del")
