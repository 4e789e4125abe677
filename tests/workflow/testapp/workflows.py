"""The template domain's default workflow, as a domain declares it: the definition dict (installed by the data
migrations 0002 and 0004), each state's phase tags, and what code names in it (register_requirements).

Code asks a state what it means (`state_has(ticket, "handling")`, `state_tag("draft").q()`), never its key, so an
administrator may rename, split or insert states in an organization's copy without breaking lists and statistics."""

from xieshang.workflow import registry

# What code in this app asks of the "ticket" workflow. The check workflow.E001 (and tests/workflow/test_requirements.py)
# fails when an active "ticket" workflow, an organization's copy included, lacks one of them.
TAGS = {
    "draft": "not yet submitted: only the submitter sees it (visibility.py)",
    "review": "waiting for the staff's decision",
    "handling": "units are at work: notes and reviewer invitations are open (rules.py)",
    "done": "closed or rejected: no more notes",
    "public": "every member of the organization sees it (visibility.py)",
}
FLAGS = {"edit"}  # rules.can_edit_ticket reads State.allows["edit"]

TICKET_WORKFLOW = {
    "key": "ticket",
    "name": "测试工单",
    "settings": {"signing_days": 5},
    "states": [
        {
            "key": "draft",
            "tags": ["draft"],
            "name": "草稿",
            "is_initial": True,
            "allows": {"edit": True, "cosign": True},
        },
        {
            "key": "submitted",
            "tags": ["review"],
            "name": "已提交",
            "allows": {"comment": True},
            "deadline_amount": 5,
            "deadline_unit": "working_days",
            "warn_before": 2,
            "warn_after_every": 2,
            "responsible_roles": ["proposals_staff"],
            "escalate_roles": ["supervisor"],
        },
        {
            "key": "handling",
            "tags": ["handling"],
            "name": "办理中",
            "deadline_amount": 3,
            "deadline_unit": "months",
            "deadline_max_amount": 6,
            "extend_roles": ["proposals_staff"],
            "responsible_roles": ["co_handler"],
        },
        {"key": "replied", "tags": ["handling"], "name": "已答复"},
        {"key": "closed", "tags": ["done", "public"], "name": "办结", "is_final": True},
        {"key": "rejected", "tags": ["done"], "name": "不予受理", "is_final": True},
    ],
    "transitions": [
        {
            "key": "submit",
            "name": "提交",
            "sources": ["draft"],
            "target": "submitted",
            "roles": ["submitter"],
            "notify": ["proposals_staff"],
        },
        {"key": "withdraw", "name": "撤回", "sources": ["submitted"], "target": "draft", "roles": ["submitter"]},
        {
            "key": "accept",
            "name": "受理",
            "sources": ["submitted"],
            "target": "handling",
            "roles": ["proposals_staff"],
            "notify": ["submitter"],
        },
        {
            "key": "reject",
            "name": "不予受理",
            "sources": ["submitted"],
            "target": "rejected",
            "roles": ["proposals_staff"],
            "requires_reason": True,
            "notify": ["submitter"],
        },
        {
            "key": "reply",
            "name": "答复",
            "sources": ["handling"],
            "target": "replied",
            "roles": ["co_handler", "unit_officer"],
            "payload_schema": {
                "required": ["grade"],
                "fields": {"grade": {"label": "答复类别", "choices": ["A", "B", "C"]}},
            },
        },
        {
            "key": "close",
            "name": "办结",
            "sources": ["replied"],
            "target": "closed",
            "roles": ["proposals_staff"],
            "conditions": ["all_countersigned"],
        },
        {
            "key": "reopen",
            "name": "重新受理",
            "sources": ["rejected", "closed"],
            "target": "submitted",
            "roles": ["supervisor"],
            "requires_reason": True,
        },
    ],
}


def register() -> None:
    """Called from apps.ready(). No state or transition keys: nothing in this app names one."""
    registry.register_requirements("ticket", tags=TAGS, flags=FLAGS)
