from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "xieshang.accounts"
    label = "accounts"
    verbose_name = _("账户与组织")

    def ready(self):
        import rules
        from django.contrib.auth.signals import user_logged_in

        from .middleware import session_started

        user_logged_in.connect(session_started, dispatch_uid="xieshang_session_started")

        from . import invalidation

        invalidation.register()

        from xieshang.core import landing

        from .selectors import portal_scope

        landing.register_scope(portal_scope)

        from xieshang.core import limits

        from .services import limit_exceeded

        limits.register_alert(limit_exceeded)

        from xieshang.core import navigation, workbench

        from . import workbench as providers
        from .models import Role
        from .selectors import roles_in

        workbench.register_roles(roles_in, lambda value: Role(value).label if value in Role.values else value)
        workbench.register(providers.security_admin_section, order=800)
        workbench.register(providers.data_request_section, order=805)

        from . import personal_data

        personal_data.register()
        workbench.register(providers.system_admin_section, order=810)
        navigation.register(
            navigation.NavEntry(
                "admin",
                _("管理后台"),
                "admin:index",
                lambda u, o: rules.has_perm("accounts.use_admin", u, o),
                order=990,
            )
        )
