from django.urls import reverse
from django.utils.translation import gettext as _

from xieshang.core.workbench import WorkItem, WorkSection

from . import selectors
from .registry import may_moderate_any

SHOWN = 5


def queue_section(user, organization):
    """Staff who moderate something here: what awaits them in the one queue, with the count per kind."""
    if organization is None or not may_moderate_any(user, organization):
        return None
    counts = selectors.counts(user, organization)
    items = [
        WorkItem(title=_("%(kind)s %(n)d 条待审核") % {"kind": kind.label, "n": n}, url=_queue_url(kind.key))
        for kind, n in counts
        if n
    ]
    return WorkSection(
        key="moderation",
        title=_("内容审核"),
        items=items[:SHOWN],
        total=sum(n for _kind, n in counts),
        more_url=reverse("moderation:queue"),
        empty_text=_("没有待审核的内容。先审后发的内容、命中敏感词的内容和申诉会出现在这里。"),
    )


def _queue_url(key: str) -> str:
    return f"{reverse('moderation:queue')}?kind={key}"
