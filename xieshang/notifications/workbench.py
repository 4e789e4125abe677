from django.urls import reverse
from django.utils.translation import gettext as _

from xieshang.core.workbench import WorkItem, WorkSection

from .selectors import latest_unread, unread_count


def unread_section(user, organization):
    # Both kept per user and forgotten on every write of his notifications: a page view asks the database nothing.
    total = unread_count(user)
    rows = latest_unread(user) if total else []
    items = [WorkItem(title=n.title, url=n.url or reverse("notifications:inbox"), note=n.body[:80]) for n in rows]
    return WorkSection(
        key="unread",
        title=_("未读消息"),
        items=items,
        total=max(total, len(items)),
        more_url=reverse("notifications:inbox"),
        empty_text=_("没有未读消息。提案立案、交办、答复和各类期限提醒会发到这里。"),
    )
