"""What the sessions app plugs into the base: workbench sections and menu entries. Called from
AssembliesConfig.ready()."""

from __future__ import annotations

from django.utils.translation import gettext_lazy


def _member(user, organization) -> bool:
    from xieshang.accounts.models import Role
    from xieshang.accounts.selectors import has_role

    return organization is not None and (
        has_role(user, Role.MEMBER, organization) or has_role(user, Role.STANDING_MEMBER, organization)
    )


def _staff(user, organization) -> bool:
    import rules

    return organization is not None and rules.has_perm("assemblies.add_session", user, organization)


def register() -> None:
    from xieshang.core import navigation, workbench

    from . import workbench as providers

    workbench.register(providers.member_section, order=440, reads=("assemblies", "accounts"))
    workbench.register(providers.staff_section, order=465, reads=("assemblies", "accounts"))

    from xieshang.notifications import replies

    from .services.attendance import SMS_REPLY_ACTION, sms_reply, sms_reply_options

    replies.register(SMS_REPLY_ACTION, sms_reply, sms_reply_options())
    navigation.register(
        navigation.NavEntry("assemblies", gettext_lazy("全会与常委会"), "assemblies:list", _staff, order=425)
    )
    navigation.register(
        navigation.NavEntry(
            "assemblies_mine", gettext_lazy("我的会议"), "assemblies:mine", _member, order=585, group="duty"
        )
    )
