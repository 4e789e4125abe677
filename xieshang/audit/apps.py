from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "xieshang.audit"
    label = "audit"
    verbose_name = _("审计")

    def ready(self):
        import rules

        from xieshang.core import navigation, workbench

        from . import retention
        from .workbench import audit_section

        retention.register()

        workbench.register(audit_section, order=820)
        navigation.register(
            navigation.NavEntry(
                "audit",
                _("审计日志"),
                "audit:log",
                lambda u, o: rules.has_perm("audit.view_auditentry", u, o),
                order=980,
            )
        )
