from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.core.workbench import WorkItem, WorkSection

from .models import Role, User
from .selectors import has_role


def security_admin_section(user, organization):
    if organization is None or not has_role(user, Role.SECURITY_ADMIN, organization):
        return None
    locked = (
        User.objects.filter(role_grants__organization=organization, locked_until__gt=timezone.now())
        .distinct()
        .order_by("locked_until")
    )
    items = [
        WorkItem(
            title=_("账户已锁定：%(name)s") % {"name": u.display_name},
            url=reverse("admin:accounts_user_change", args=[u.pk]),
            due=u.locked_until.date(),
        )
        for u in locked[:10]
    ]
    return WorkSection(
        key="security",
        title=_("账户安全"),
        items=items,
        total=locked.count(),
        empty_text=_("没有被锁定的账户。账户连续登录失败达到上限后会出现在这里，可在管理后台解锁。"),
    )


def system_admin_section(user, organization):
    if organization is None or not has_role(user, Role.SYSTEM_ADMIN, organization):
        return None
    return WorkSection(
        key="system",
        title=_("系统配置"),
        items=[],
        empty_text=_("没有待处理的配置事项。组织、界别、专委会、承办单位和街道社区在管理后台维护。"),
    )
