from django.urls import reverse
from django.utils.translation import gettext as _

from xieshang.core.workbench import WorkItem, WorkSection

from .models import Notification
from .selectors import unread_count

SHOWN = 5


def unread_section(user, organization):
    total = unread_count(user)  # every page's badge: cached per user, so an empty section costs no query
    rows = Notification.objects.filter(recipient=user, read_at__isnull=True).order_by("-created_at")[:SHOWN]
    items = (
        [WorkItem(title=n.title, url=n.url or reverse("notifications:inbox"), note=n.body[:80]) for n in rows]
        if total
        else []
    )
    return WorkSection(
        key="unread",
        title=_("未读消息"),
        items=items,
        total=max(total, len(items)),
        more_url=reverse("notifications:inbox"),
        empty_text=_("没有未读消息。提案立案、交办、答复和各类期限提醒会发到这里。"),
    )
