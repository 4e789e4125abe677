"""The default micro-proposal (微提案) workflow, as data (states without their phase tags: see
workflows/__init__.py)."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from .proposal import STAFF

MICRO_PROPOSAL_WORKFLOW = {
    "key": "micro_proposal",
    "name": gettext_noop("微提案"),
    "description": "微提案：随时提交，提案办一次审查，交一个承办单位，15 个工作日内答复，委员评价。",
    "settings": {"publish_within_days": 20, "fast_track": {"handling": [7, "working_days"]}},
    "states": [
        {"key": "draft", "name": gettext_noop("草稿"), "is_initial": True, "allows": {"edit": True}},
        {
            "key": "submitted",
            "name": gettext_noop("待审查"),
            "allows": {"comment": True},
            "deadline_amount": 3,
            "warn_before": 1,
            "warn_after_every": 2,
            "responsible_roles": [STAFF],
        },
        {
            "key": "handling",
            "name": gettext_noop("办理中"),
            "allows": {"comment": True},
            "deadline_amount": 15,
            "deadline_unit": "working_days",
            "deadline_max_amount": 30,
            "warn_before": 3,
            "warn_after_every": 2,
            "responsible_roles": ["lead_unit"],
            "escalate_roles": [STAFF],
            "extend_roles": [STAFF],
        },
        {
            "key": "replied",
            "name": gettext_noop("已答复待评价"),
            "allows": {"rate": True, "comment": True},
            "deadline_amount": 10,
            "warn_before": 3,
            "responsible_roles": ["signer"],
        },
        {"key": "closed", "name": gettext_noop("已办结"), "is_final": True},
        {"key": "not_filed", "name": gettext_noop("不予受理"), "is_final": True},
        {"key": "withdrawn", "name": gettext_noop("已撤回"), "is_final": True},
    ],
    "transitions": [
        {
            "key": "submit",
            "name": gettext_noop("提交"),
            "sources": ["draft"],
            "target": "submitted",
            "roles": ["submitter", "entering_staff"],
            "conditions": ["proposals.proposal_complete"],
            "notify": [STAFF],
            "style": "primary",
        },
        {
            "key": "withdraw",
            "name": gettext_noop("撤回"),
            "sources": ["draft", "submitted"],
            "target": "withdrawn",
            "roles": ["submitter"],
        },
        {
            "key": "accept",
            "name": gettext_noop("受理并交办"),
            "sources": ["submitted"],
            "target": "handling",
            "roles": [STAFF],
            "conditions": ["proposals.units_planned"],
            "notify": ["lead_unit", "signer"],
            "style": "primary",
        },
        {
            "key": "not_file",
            "name": gettext_noop("不予受理"),
            "sources": ["submitted"],
            "target": "not_filed",
            "roles": [STAFF],
            "requires_reason": True,
            "payload_schema": {
                "required": ["ground"],
                "fields": {"ground": {"label": gettext_noop("不予受理理由类别")}},
            },
            "notify": ["signer"],
            "style": "danger",
        },
        {
            "key": "unit_return",
            "name": gettext_noop("退回交办"),
            "sources": ["handling"],
            "target": "submitted",
            "roles": ["assigned_unit"],
            "requires_reason": True,
            "conditions": ["proposals.has_returned_assignment"],
            "notify": [STAFF],
            "style": "danger",
        },
        {
            "key": "reply",
            "name": gettext_noop("提交答复"),
            "sources": ["handling"],
            "target": "replied",
            "roles": ["lead_unit"],
            "conditions": ["proposals.all_replied"],
            "notify": ["signer"],
            "style": "primary",
        },
        {
            "key": "finish_rating",
            "name": gettext_noop("评价完成"),
            "sources": ["replied"],
            "target": "closed",
            "roles": [STAFF, "signer"],
            "conditions": ["proposals.rating_settled"],
        },
        {
            "key": "rehandle",
            "name": gettext_noop("重办"),
            "sources": ["replied"],
            "target": "handling",
            "roles": [STAFF, "signer"],
            "conditions": ["proposals.has_dissatisfied"],
            "notify": ["lead_unit"],
        },
    ],
}

# Each state's phase tags (what it means for code; listed below), merged into the definitions' states. A state
# without tags means nothing to code beyond its flags.
