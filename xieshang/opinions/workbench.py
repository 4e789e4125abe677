"""Workbench sections: authors (their reports' news), information staff (the desk), recipients (their inbox) and
bureaus (forwarded reports to answer). Each explains an empty section."""

from __future__ import annotations

import rules
from django.urls import reverse
from django.utils.translation import gettext as _

from xieshang.core.names import named
from xieshang.core.workbench import WorkItem, WorkSection, head
from xieshang.workflow.selectors import state_has, state_tag

from . import selectors

SHOWN = 8


def author_section(user, organization):
    if organization is None or not rules.has_perm("opinions.submit_report", user, organization):
        return None
    # What needs the author's eye: reports taken up by the editors (text changed, approved, published, sent) or
    # closed with a reason; not those still waiting for the editors nor those archived after use.
    reports = selectors.reports_for_author(user, organization).exclude(
        state_tag("intake").q() | state_tag("archived").q()
    )
    rows, total = head(reports, SHOWN)
    items = [
        WorkItem(
            title=r.title,
            url=r.get_absolute_url(),
            note=_("状态：%(state)s") % {"state": named(r.state.name)}
            + ("（" + r.close_reason[:30] + "）" if r.close_reason else ""),
        )
        for r in rows
    ]
    return WorkSection(
        key="opinions_author",
        title=_("我的社情民意信息"),
        items=items,
        total=total,
        more_url=reverse("opinions:mine"),
        empty_text=_("您还没有在办理中的社情民意信息。发现值得反映的情况，可在“社情民意”中报送，一事一报。"),
    )


def staff_section(user, organization):
    if organization is None or not rules.has_perm("opinions.manage_report", user, organization):
        return None
    queue = selectors.desk_reports(organization, tag="desk")
    rows, total = head(queue, SHOWN)
    items = [
        WorkItem(
            title=(_("【紧急】") if r.urgent else "") + r.title,
            url=reverse("opinions:edit", args=[r.pk]) if state_has(r, "editing") else r.get_absolute_url(),
            note=named(r.state.name),
        )
        for r in rows
    ]
    return WorkSection(
        key="opinions_desk",
        title=_("社情民意信息编辑"),
        items=items,
        total=total,
        more_url=reverse("opinions:desk"),
        empty_text=_("没有待编辑或待编发的信息。委员和信息员报送的信息会出现在这里。"),
    )


def recipient_section(user, organization):
    if not rules.has_perm("opinions.view_inbox", user):
        return None
    inbox = selectors.inbox_for(user)
    rows, total = head(inbox, SHOWN)
    items = [WorkItem(title=d.report.title, url=d.report.get_absolute_url(), note=d.recipient.name) for d in rows]
    return WorkSection(
        key="opinions_inbox",
        title=_("收到的社情民意信息"),
        items=items,
        total=total,
        more_url=reverse("opinions:inbox"),
        empty_text=_("暂未收到报送的信息。下级政协报送给本单位的信息会出现在这里。"),
    )


def unit_section(user, organization):
    if not rules.has_perm("opinions.view_forwards", user):
        return None
    pending = selectors.forwards_for_officer(user, pending_only=True)
    rows, total = head(pending, SHOWN)
    items = [WorkItem(title=f.report.title, url=f.report.get_absolute_url(), note=_("待回复"), due=None) for f in rows]
    return WorkSection(
        key="opinions_forwards",
        title=_("转办的社情民意信息"),
        items=items,
        total=total,
        more_url=reverse("opinions:forwards"),
        empty_text=_("没有待回复的转办信息。政协转给本单位办理的信息会出现在这里，回复后报送人可见。"),
    )
