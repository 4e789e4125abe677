"""What a proposal transition tells each of the roles it notifies (the transition's `notify` list, which an
organization's copy of the workflow may change). A message is written for one role: the member is asked to read and
rate a reply, the lead unit is told its reply reached him, staff are told a proposal went back to rehandling. A role
without its own message here gets the neutral one (title and action), never another role's text."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xieshang.core.names import named
from xieshang.workflow.services import users_for_roles

from .workflows import STAFF

SIGNER, SUBMITTER, LEAD_UNIT, ASSIGNED_UNIT = "signer", "submitter", "lead_unit", "assigned_unit"

# transition key -> {role: message}. Placeholders: %(title)s, %(number)s.
MESSAGES: dict[str, dict[str, Promise]] = {
    "submit": {STAFF: gettext_lazy("委员提交了新提案《%(title)s》，请审查。")},
    "return_for_revision": {SUBMITTER: gettext_lazy("您的提案《%(title)s》被退回修改。")},
    "file": {SIGNER: gettext_lazy("您领衔或联名的提案《%(title)s》已立案。")},
    "merge": {SIGNER: gettext_lazy("您的提案《%(title)s》已并案办理。")},
    "convert": {SIGNER: gettext_lazy("您的提案《%(title)s》已转为意见建议办理。")},
    "not_file": {SIGNER: gettext_lazy("您的提案《%(title)s》未予立案。")},
    "propose_assignment": {"leader": gettext_lazy("提案《%(title)s》的交办方案待您审批。")},
    "reject_assignment": {STAFF: gettext_lazy("提案《%(title)s》的交办方案被退回。")},
    "assign": {
        ASSIGNED_UNIT: gettext_lazy("提案 %(number)s《%(title)s》已交办，请在期限内签收。"),
        SIGNER: gettext_lazy("您的提案《%(title)s》已交承办单位办理。"),
    },
    "start_handling": {SIGNER: gettext_lazy("您的提案《%(title)s》已由承办单位签收办理。")},
    "unit_return": {STAFF: gettext_lazy("承办单位退回了提案《%(title)s》的交办，请处理。")},
    "reassign": {ASSIGNED_UNIT: gettext_lazy("提案 %(number)s《%(title)s》已重新交办，请签收。")},
    "refuse_return": {ASSIGNED_UNIT: gettext_lazy("提案 %(number)s《%(title)s》的退回未获同意，请继续办理。")},
    "submit_for_review": {"supervisor": gettext_lazy("提案 %(number)s《%(title)s》的答复待督办审核。")},
    "approve_reply": {
        SIGNER: gettext_lazy("您的提案《%(title)s》已收到答复，请查看并评价。"),
        LEAD_UNIT: gettext_lazy("提案 %(number)s《%(title)s》的答复已审核通过并送达提案人，请等待评价。"),
    },
    "send_back": {LEAD_UNIT: gettext_lazy("提案 %(number)s《%(title)s》的答复被退回，请修改后重新答复。")},
    "rehandle": {
        LEAD_UNIT: gettext_lazy("提案 %(number)s《%(title)s》的答复未获满意评价，转入重办，请再次联系提案人。"),
        STAFF: gettext_lazy("提案 %(number)s《%(title)s》的答复未获满意评价，已转入重办。"),
    },
    "close": {SIGNER: gettext_lazy("您的提案《%(title)s》已办结。")},
    # micro-proposals
    "accept": {
        LEAD_UNIT: gettext_lazy("微提案《%(title)s》已交贵单位办理，请按期答复。"),
        SIGNER: gettext_lazy("您的微提案《%(title)s》已受理，交承办单位办理。"),
    },
    "reply": {SIGNER: gettext_lazy("您的微提案《%(title)s》已收到答复，请查看并评价。")},
}


def message_for(transition_key: str, role: str) -> str:
    """The title template for one role of one transition; the neutral one when none is written for the role."""
    template = MESSAGES.get(transition_key, {}).get(role)
    return str(template) if template is not None else _("提案《%(title)s》：%(action)s")


def transition_messages(obj: Any, event: Any, body: Any, url: str) -> list[tuple[list[Any], Any, Any, str]]:
    """(recipients, title, body, url) per notified role. Someone holding two of the roles gets the message of the
    first one the transition lists."""
    transition = event.transition
    seen: set[int] = set()
    out = []
    for role in transition.notify or []:
        people = [p for p in users_for_roles(obj, [role]) if p.pk not in seen]
        if not people:
            continue
        seen.update(p.pk for p in people)

        def title(role: str = role) -> str:  # rendered in each recipient's language (notifications.services.notify)
            names = {"title": obj.title, "number": obj.number, "action": named(event.transition_name)}
            return message_for(transition.key, role) % names

        out.append((people, title, body, url))
    return out
