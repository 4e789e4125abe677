"""What the activities app plugs into the base: workbench sections and menu entries. Called from
ActivitiesConfig.ready()."""

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

    return organization is not None and rules.has_perm("activities.add_activity", user, organization)


def _in_organization(user, organization) -> bool:
    import rules

    return organization is not None and rules.has_perm("activities.view_studio", user, organization)


def _studio_groups(pool, query: str):
    from django.utils.translation import gettext

    from xieshang.accounts.pickers import Group

    from .selectors import studio_groups

    return [
        Group(f"studio:{pk}", gettext("委员工作室：%(name)s") % {"name": name}, "studio")
        for pk, name in studio_groups(pool.organization_ids, query)
    ]


def _studio_members(pool, keys: list[str]):
    from .selectors import studio_member_ids

    return studio_member_ids(pool.organization_ids, [int(k) for k in keys if k.isdigit()])


def register() -> None:
    from xieshang.accounts.pickers import GroupSource, register_groups
    from xieshang.core import navigation, workbench
    from xieshang.notifications import replies

    from . import workbench as providers
    from .services.signup import SMS_REPLY_ACTION, sms_reply, sms_reply_options

    register_groups(GroupSource("studio", _studio_groups, _studio_members))
    replies.register(SMS_REPLY_ACTION, sms_reply, sms_reply_options())
    workbench.register(providers.member_section, order=450, reads=("activities", "accounts"))
    workbench.register(providers.staff_section, order=460, reads=("activities", "accounts"))
    navigation.register(
        navigation.NavEntry("activities", gettext_lazy("履职活动"), "activities:list", _staff, order=430)
    )
    navigation.register(
        navigation.NavEntry(
            "activities_mine", gettext_lazy("我的活动"), "activities:mine", _member, order=590, group="duty"
        )
    )
    navigation.register(
        navigation.NavEntry(
            "studios", gettext_lazy("委员工作室"), "activities:studios", _in_organization, order=595, group="duty"
        )
    )
