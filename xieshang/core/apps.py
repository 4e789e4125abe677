from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "xieshang.core"
    label = "core"
    verbose_name = _("平台")

    def ready(self) -> None:
        from django.apps import apps
        from django.db import connections
        from django.db.backends.signals import connection_created
        from django.db.models import fields
        from django.db.models.signals import post_delete, post_save, pre_delete

        from . import generations, navigation
        from .models import (
            AppendOnlyModel,
            OrganizationSettings,
            forget_organization_settings,
            refuse_append_only_delete,
        )

        # The empty choice of every select: Django's "- Select an option -" has no Chinese in Django's catalogue.
        fields.BLANK_CHOICE_LABEL = _("- 请选择 -")
        # The admin's yes/no icons: Django writes their text in English (alt="True").
        from . import admin_text

        admin_text.install()

        # Every concrete subclass of the shared shapes, whichever app declares it (all models are loaded by now).
        for model in apps.get_models():
            label = model._meta.label_lower
            if issubclass(model, OrganizationSettings):
                post_save.connect(forget_organization_settings, sender=model, dispatch_uid=f"orgsettings_saved_{label}")
                post_delete.connect(
                    forget_organization_settings, sender=model, dispatch_uid=f"orgsettings_deleted_{label}"
                )
            if issubclass(model, AppendOnlyModel):
                pre_delete.connect(refuse_append_only_delete, sender=model, dispatch_uid=f"appendonly_delete_{label}")

        # Writes of watched tables move their generations, whatever wrote them (core.generations.watch).
        connection_created.connect(generations.install, dispatch_uid="core.generations.install")
        for connection in connections.all(initialized_only=True):
            generations.install(connection)

        navigation.register(
            navigation.NavEntry("workbench", _("我的待办"), "core:workbench", lambda u, o: True, order=0)
        )
