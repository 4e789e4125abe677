"""What the announcements app registers with the faces: the recipients' workbench section and the menu entries
(staff: the announcements they write; recipients: the announcements they received). Called from
AnnouncementsConfig.ready()."""

from __future__ import annotations

from django.utils.translation import gettext_lazy


def _staff(user, organization) -> bool:
    import rules

    return organization is not None and rules.has_perm("announcements.manage_announcement", user, organization)


def _recipient(user, organization) -> bool:
    from xieshang.accounts.selectors import roles_in

    from .workbench import RECIPIENT_ROLES

    return organization is not None and bool(roles_in(user, organization) & RECIPIENT_ROLES)


def register() -> None:
    from xieshang.core import navigation, workbench

    from . import workbench as providers

    workbench.register(providers.recipient_section, order=95, reads=("announcements",))
    navigation.register(
        navigation.NavEntry("announcements", gettext_lazy("通知公告"), "announcements:list", _staff, order=427)
    )
    navigation.register(
        navigation.NavEntry("announcements_mine", gettext_lazy("我的通知"), "announcements:mine", _recipient, order=578)
    )
