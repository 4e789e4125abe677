"""What proposals register with the base: workbench sections per role, the menu entry and the demo builder."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xieshang.accounts.models import Role
from xieshang.accounts.selectors import has_role
from xieshang.core.names import named
from xieshang.core.workbench import WorkItem, WorkSection, head
from xieshang.workflow.selectors import state_has, state_tag

from . import page_cache, selectors

SHOWN = 8


def _url(name: str, fallback: str = "") -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return fallback


def _item(proposal, note: str = "") -> WorkItem:
    today = timezone.localdate()
    return WorkItem(
        title=str(proposal),
        url=proposal.get_absolute_url(),
        due=proposal.due_on,
        overdue=bool(proposal.overdue or (proposal.due_on and proposal.due_on < today)),
        note=note or (named(proposal.state.name) if proposal.state_id else ""),
    )


def _is_member(user, organization) -> bool:
    return has_role(user, Role.MEMBER, organization) or has_role(user, Role.STANDING_MEMBER, organization)


def member_section(user, organization):
    if organization is None or not _is_member(user, organization):
        return None
    items = []
    invitations = list(selectors.cosign_invitations(user, organization)[:SHOWN])
    for row in invitations:
        items.append(
            WorkItem(
                title=_("联名邀请：%(title)s（%(name)s 领衔）")
                % {"title": row.proposal.title, "name": row.proposal.submitter.display_name},
                url=row.proposal.get_absolute_url(),
                due=row.proposal.cosign_deadline,
                note=_("请确认是否联名"),
            )
        )
    for row in selectors.contacts_awaiting(user, organization)[:SHOWN]:
        items.append(
            WorkItem(
                title=row.proposal.title,
                url=row.proposal.get_absolute_url() + "#contacts",
                note=_("%(unit)s 记录了与您的办理沟通，请确认") % {"unit": row.assignment.unit.name},
            )
        )
    to_rate = list(selectors.awaiting_rating(user, organization)[:SHOWN])
    items += [_item(p, _("答复已送达，请评价")) for p in to_rate]
    drafts = list(
        selectors.member_proposals(user, organization).filter(state_tag("draft").q(), submitter_id=user.pk)[:SHOWN]
    )
    items += [_item(p, _("草稿，尚未提交")) for p in drafts]
    return WorkSection(
        key="proposals_member",
        title=_("我的提案"),
        items=items[:SHOWN],
        total=len(items),
        more_url=_url("proposals:mine"),
        empty_text=_(
            "没有待您处理的提案事项。收到联名邀请、答复送达待评价或有未提交的草稿时会出现在这里；"
            "可在“提案”中撰写新提案或微提案。"
        ),
    )


def staff_section(user, organization):
    if organization is None or not has_role(user, Role.PROPOSALS_STAFF, organization):
        return None
    queue = selectors.staff_queue(organization, selectors.QueueFilters(kind=None))
    rows = list(queue[:SHOWN])
    return WorkSection(
        key="proposals_staff",
        title=_("提案审查与交办"),
        items=[_item(p) for p in rows],
        total=queue.count(),
        more_url=_url("proposals:staff_queue"),
        empty_text=_(
            "没有待提案委员会处理的提案。委员提交提案、单位退回交办、评价完成待确认办结时，提案会出现在这里。"
        ),
    )


def unit_section(user, organization):
    if organization is None or not has_role(user, Role.UNIT_OFFICER, organization):
        return None
    inbox = selectors.unit_inbox(user, organization)
    rows = list(inbox[:SHOWN])
    # by the state's phase tag, the first that applies (rehandling is handling too)
    notes = (
        ("receipt", _("待签收或退回（10 个工作日内）")),
        ("rehandling", _("重办：请再次联系提案人后重新答复")),
        ("countersigning", _("答复会签中")),
        ("returns", _("已退回，等待提案委员会处理")),
        ("handling", _("办理中，请按期答复")),
    )
    items = [
        WorkItem(
            title=f"{a.proposal} · {a.get_role_display()}",
            url=a.proposal.get_absolute_url(),
            due=a.receipt_due_on if a.status == "pending" else a.proposal.due_on,
            overdue=a.is_overdue,
            note=next((n for tag, n in notes if state_has(a.proposal, tag)), named(a.proposal.state.name)),
        )
        for a in rows
    ]
    return WorkSection(
        key="proposals_unit",
        title=_("承办提案"),
        items=items,
        total=inbox.count(),
        more_url=_url("proposals:unit_inbox"),
        empty_text=_("本单位没有待办提案。提案委员会交办后，提案会出现在这里，请在 10 个工作日内签收或说明理由退回。"),
    )


def supervisor_section(user, organization):
    if organization is None or not has_role(user, Role.SUPERVISOR, organization):
        return None
    queue = selectors.supervisor_queue(organization)
    items = [_item(p, _("答复待审核")) for p in queue[:SHOWN]]
    # A member's dispute of a unit's contact record (办理协商) is flagged here until the proposal is closed.
    disputed, disputed_total = head(selectors.disputed_contacts(organization), SHOWN)
    items += [
        WorkItem(
            title=str(c.proposal),
            url=c.proposal.get_absolute_url() + "#contacts",
            overdue=True,
            note=_("提案人对 %(unit)s 的办理沟通记录有异议") % {"unit": c.assignment.unit.name},
        )
        for c in disputed
    ]
    return WorkSection(
        key="proposals_supervisor",
        title=_("提案答复督办审核"),
        items=items[:SHOWN],
        total=queue.count() + disputed_total,
        more_url=_url("proposals:supervisor_queue"),
        empty_text=_("没有待审核的提案答复。承办单位提交答复并完成会签后，答复会出现在这里，审核通过后送达委员。"),
    )


def _key_item(proposal) -> WorkItem:
    """A key proposal the leader supervises, due by its plan's next open milestone (next_due_on, next_what)."""
    today = timezone.localdate()
    due = getattr(proposal, "next_due_on", None)
    if due is None:
        note = _("您督办的重点提案：尚无未完成的计划节点")
    elif due < today:
        note = _("计划节点已逾期：%(what)s") % {"what": proposal.next_what}
    else:
        note = _("下一计划节点：%(what)s") % {"what": proposal.next_what}
    try:
        url = reverse("proposals:supervision", args=[proposal.pk])
    except NoReverseMatch:
        url = proposal.get_absolute_url()
    return WorkItem(
        title=_("重点提案：%(p)s") % {"p": proposal}, url=url, due=due, overdue=bool(due and due < today), note=note
    )


def leader_section(user, organization):
    if organization is None or not has_role(user, Role.LEADER, organization):
        return None
    approvals = selectors.leader_approvals(organization)
    items = [_item(p, _("交办方案待审批")) for p in approvals[:SHOWN]]
    keys = selectors.key_proposals(user, organization).exclude(state__is_final=True).exclude(state_tag("closed").q())
    items += [_key_item(p) for p in keys[:SHOWN]]
    return WorkSection(
        key="proposals_leader",
        title=_("提案审批与重点提案"),
        items=items[:SHOWN],
        total=approvals.count() + keys.count(),
        more_url=_url("proposals:key"),
        empty_text=_(
            "没有待您审批的交办方案或领衔督办的重点提案。提案委员会提交交办方案、确定重点提案后会出现在这里。"
        ),
    )


def _kept_by(user, organization) -> tuple[str, ...]:
    return (page_cache.GENERATION,)


def register() -> None:
    from xieshang.core import landing, navigation, workbench

    from .page_queries import landing_replies

    landing.register(
        landing.Section(
            "replies",
            "proposals/landing/_replies.html",
            lambda ids, choices: {"items": landing_replies(ids)},
            order=40,
            models=("proposals.Proposal", "proposals.Reply"),
        )
    )

    # Kept by core.workbench under the proposal pages' generation, which every write of what they show moves.
    for order, section in enumerate((member_section, staff_section, unit_section, supervisor_section, leader_section)):
        workbench.register(section, order=100 + 10 * order, kept_by=_kept_by)
    navigation.register(
        navigation.NavEntry(
            "proposals",
            gettext_lazy("提案"),
            "proposals:index",
            lambda u, o: (
                o is not None
                and any(
                    has_role(u, r, o)
                    for r in (
                        Role.MEMBER,
                        Role.STANDING_MEMBER,
                        Role.PROPOSALS_STAFF,
                        Role.UNIT_OFFICER,
                        Role.SUPERVISOR,
                        Role.LEADER,
                    )
                )
            ),
            order=10,
        )
    )
