from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.core.workbench import WorkItem, WorkSection, head

from .models import LoginThrottle, Role, User
from .selectors import has_role


def security_admin_section(user, organization):
    if organization is None or not has_role(user, Role.SECURITY_ADMIN, organization):
        return None
    now = timezone.now()
    # Locked by an administrator, or locked at some client address after repeated failures (accounts.LoginThrottle).
    throttled = {
        int(key.split(":")[2].split("|")[0])
        for key in LoginThrottle.objects.filter(key__startswith="pair:user:", blocked_until__gt=now).values_list(
            "key", flat=True
        )
    }
    locked = (
        User.objects.filter(role_grants__organization=organization)
        .filter(Q(locked_until__gt=now) | Q(pk__in=throttled))
        .distinct()
        .order_by("username")
    )
    rows, total = head(locked, 10)
    items = [
        WorkItem(
            title=_("账户已锁定：%(name)s") % {"name": u.display_name},
            url=reverse("admin:accounts_user_change", args=[u.pk]),
            due=u.locked_until.date() if u.locked_until and u.locked_until > now else None,
        )
        for u in rows
    ]
    return WorkSection(
        links=_links(
            user,
            [
                (_("账户"), "admin:accounts_user_changelist", "accounts.view_user"),
                (_("角色授权"), "admin:accounts_rolegrant_changelist", "accounts.view_rolegrant"),
                (_("委员档案"), "admin:accounts_memberprofile_changelist", "accounts.view_memberprofile"),
                (_("安全策略"), "admin:accounts_securitypolicy_changelist", "accounts.view_securitypolicy"),
            ],
        ),
        key="security",
        title=_("账户安全"),
        items=items,
        total=total,
        empty_text=_("没有被锁定的账户。账户连续登录失败达到上限后会出现在这里，可在管理后台解锁。"),
    )


def data_request_section(user, organization):
    """The security administrator's queue of personal-data deletion requests (decision 0032)."""
    if organization is None or not has_role(user, Role.SECURITY_ADMIN, organization):
        return None
    from .personal_data import pending_requests

    now = timezone.now()
    rows, total = head(pending_requests(organization).order_by("due_at", "pk"), 10)
    items = [
        WorkItem(
            title=_("删除个人信息：%(name)s") % {"name": r.user.display_name},
            url=reverse("accounts:data_request", args=[r.pk]),
            due=timezone.localtime(r.due_at).date(),
            overdue=r.due_at < now,
            note=_("申请于 %(at)s") % {"at": timezone.localtime(r.requested_at).strftime("%Y-%m-%d")},
        )
        for r in rows
    ]
    return WorkSection(
        key="data_requests",
        title=_("个人信息删除申请"),
        items=items,
        total=total,
        empty_text=_("没有待办理的删除申请。群众在“我的个人信息”页面申请删除后会出现在这里。"),
    )


def system_admin_section(user, organization):
    if organization is None or not has_role(user, Role.SYSTEM_ADMIN, organization):
        return None
    return WorkSection(
        links=_links(
            user,
            [
                (_("流程配置"), "admin:workflow_workflow_changelist", "workflow.view_workflow"),
                (_("工作日历"), "admin:workflow_calendarday_changelist", "workflow.view_calendarday"),
                (_("提案类别"), "admin:proposals_category_changelist", None),
                (_("不予立案理由"), "admin:proposals_notfiledground_changelist", None),
                (_("提案参数"), "admin:proposals_proposalsettings_changelist", None),
                (_("社情民意参数"), "admin:opinions_opinionsettings_changelist", "opinions.view_opinionsettings"),
                (_("报送对象"), "admin:opinions_recipient_changelist", "opinions.view_recipient"),
                (_("组织"), "admin:accounts_organization_changelist", "accounts.change_organization"),
                (_("承办单位"), "admin:accounts_handlingunit_changelist", "accounts.change_handlingunit"),
                (_("界别"), "admin:accounts_sector_changelist", "accounts.change_sector"),
                (_("专委会"), "admin:accounts_specialcommittee_changelist", "accounts.change_specialcommittee"),
                (_("街道社区"), "admin:accounts_community_changelist", "accounts.change_community"),
            ],
        ),
        key="system",
        title=_("系统配置"),
        items=[],
        empty_text=_("没有待处理的配置事项。组织、界别、专委会、承办单位和街道社区在管理后台维护。"),
    )


def _links(user, pages) -> list[tuple[str, str]]:
    """The admin pages of an administrator's duty that exist and that he may open (permission None: the page's
    admin checks the system administrator's role itself)."""
    links = []
    for label, url_name, permission in pages:
        if permission is not None and not user.has_perm(permission):
            continue
        try:
            links.append((label, reverse(url_name)))
        except NoReverseMatch:
            continue
    return links
