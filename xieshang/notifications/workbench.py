from django.urls import reverse
from django.utils.translation import gettext as _

from xieshang.core.workbench import WorkItem, WorkSection, head

from .models import Notification


def unread_section(user, organization):
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True).order_by("-created_at")
    rows, total = head(unread, 5)
    items = [WorkItem(title=n.title, url=n.url or reverse("notifications:inbox"), note=n.body[:80]) for n in rows]
    return WorkSection(
        key="unread",
        title=_("未读消息"),
        items=items,
        total=total,
        more_url=reverse("notifications:inbox"),
        empty_text=_("没有未读消息。提案立案、交办、答复和各类期限提醒会发到这里。"),
    )
