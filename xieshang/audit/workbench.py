from datetime import timedelta

import rules
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.core.workbench import WorkItem, WorkSection

from .models import AuditEntry


def audit_section(user, organization):
    if organization is None or not rules.has_perm("audit.view_auditentry", user, organization):
        return None
    since = timezone.now() - timedelta(days=1)
    failures = AuditEntry.objects.filter(at__gte=since, organization_id__in=[organization.pk, None]).exclude(
        result=AuditEntry.Result.SUCCESS
    )
    count = failures.count()
    items = []
    if count:
        items.append(
            WorkItem(
                title=_("过去 24 小时失败或被拒绝的操作 %(n)d 次") % {"n": count},
                url=reverse("audit:log") + "?result=failure",
            )
        )
    return WorkSection(
        key="audit",
        title=_("审计关注"),
        items=items,
        total=len(items),
        empty_text=_("过去 24 小时没有失败或被拒绝的操作。登录失败、越权访问等会在这里提示。"),
    )
