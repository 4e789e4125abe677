from django.urls import reverse
from django.utils.translation import gettext as _

from xieshang.core.workbench import WorkItem, WorkSection, head

from .rules import is_deliberation_staff
from .selectors import pending_moderation_for_organization


def moderation_section(user, organization):
    if organization is None or not is_deliberation_staff(user, organization):
        return None
    pending = pending_moderation_for_organization(organization)
    rows, total = head(pending, 5)
    items = [
        WorkItem(
            title=_("待审核观点：%(text)s") % {"text": s.text[:40]},
            url=reverse("deliberation:moderate", args=[s.conversation_id]),
            note=s.conversation.title,
        )
        for s in rows
    ]
    return WorkSection(
        key="deliberation",
        title=_("意见征集：待审核观点"),
        items=items,
        total=total,
        more_url=reverse("deliberation:list"),
        empty_text=_("没有待审核的观点。参与者在意见征集中发表的新观点会出现在这里。"),
    )
