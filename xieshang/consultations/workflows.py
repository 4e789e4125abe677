"""Default workflows of consultations, outcomes and room topics (installed by migration 0002; organizations edit
their copies). The schedule of notices and materials is data too: the consultation workflow's settings."""

import copy
from typing import Any

from django.utils.translation import gettext_noop

from xieshang.workflow.registry import register_requirements

STAFF = "committee_staff"
HOST_STAFF = "host_staff"  # committee staff of any co-host (relational: the engine only knows the lead organization)

# Phase tags: what a state means, for code (workflow.selectors.state_has / state_tag). Code never names a state key;
# an organization's copy may rename or add states as long as it keeps these tags (system check workflow.E001).
# consultation
PREPARING = "preparing"  # before the meeting: details, agenda, invitations and registration may change
OPEN = "open"  # not yet reported: materials may be added; staff's list of current consultations
AWAITING_APPROVAL = "awaiting_approval"  # proposed by the chairs' meeting, the party committee's approval pending
MEETING = "meeting"  # around the meeting: check-in and live statements; the invited see it as upcoming
NOTICES = "notices"  # approved: the notice and the materials go out when they fall due
LIVE_STREAM = "live_stream"  # the portal shows the video link of an online consultation
MINUTES = "minutes"  # held: the minutes are being written
TOOK_PLACE = "took_place"  # the meeting took place (annual statistics)
MINUTES_PUBLIC = "minutes_public"  # the minutes were reported: public on the portal and in search
CANCELLED = "cancelled"  # dropped: off the portal, no more reports or photos
# outcome
DRAFT = "draft"  # not yet sent to its owners: not public
WITH_OWNER = "with_owner"  # sent (and perhaps instructed): the owners decide whether to adopt it
IMPLEMENTING = "implementing"  # adopted or being carried out: progress and milestones
SETTLED = "settled"  # done or not adopted: nothing more to follow on a room topic
# outcome and room topic
DONE = "done"  # carried out: residents may rate a room outcome; a room topic counts as a practical matter done (办实事)
# room topic
COLLECTING = "collecting"  # raised: residents support it, the convener prepares it
CONVERSATION = "conversation"  # selected or held: an online conversation may be opened and joined
AGREEING = "agreeing"  # held: the outcomes are listed
FOLLOWING = "following"  # the outcomes are being carried out
DECLINED = "declined"  # not selected: off the portal

PROPOSE_PAYLOAD = {
    "required": ["meeting"],
    "fields": {"meeting": {"label": gettext_noop("主席会议（届次或日期）")}},
}
APPROVE_PAYLOAD = {
    "required": ["body", "document", "approved_on"],
    "fields": {
        "body": {"label": gettext_noop("批准机关")},
        "document": {"label": gettext_noop("批准文件文号")},
        "approved_on": {"label": gettext_noop("批准日期（如 2026-03-05）")},
    },
}

CONSULTATION_WORKFLOW: dict[str, Any] = {
    "key": "consultation",
    "name": gettext_noop("协商活动"),
    "description": (
        "年度计划 → 主席会议提出 → 党委批准（工作人员登记文号）→ 通知与材料 → 召开 → "
        "纪要（7个工作日内报送党委政府）→ 办结。"
    ),
    "settings": {
        "notice_working_days": 15,
        "materials_working_days": 10,
        "minutes_recipients": ["中共市委", "市人民政府"],
        "checkin_hours": 12,  # how long a QR code shown at the venue stays valid
        # Check-in and live posts are accepted from so many minutes before the start until so many after the
        # meeting ends; a meeting without a recorded end lasts meeting_minutes (services.meeting.meeting_window).
        "checkin_before_minutes": 60,
        "checkin_after_minutes": 0,
        "meeting_minutes": 180,
    },
    "states": [
        {
            "key": "planned",
            "name": gettext_noop("列入计划"),
            "is_initial": True,
            "allows": {"edit": True},
            "tags": [PREPARING, OPEN],
        },
        {
            "key": "proposed",
            "name": gettext_noop("主席会议已提出"),
            "allows": {"edit": True},
            "tags": [PREPARING, OPEN, AWAITING_APPROVAL],
        },
        {
            "key": "approved",
            "name": gettext_noop("党委已批准"),
            "allows": {"edit": True, "invite": True, "checkin": True},
            "tags": [PREPARING, OPEN, MEETING, NOTICES, LIVE_STREAM],
        },
        {
            "key": "held",
            "name": gettext_noop("已召开，待报纪要"),
            "allows": {"minutes": True, "checkin": True},
            "tags": [OPEN, MEETING, MINUTES, TOOK_PLACE],
            "deadline_amount": 7,
            "deadline_unit": "working_days",
            "warn_before": 2,
            "warn_after_every": 2,
            "responsible_roles": [HOST_STAFF],
            "escalate_roles": ["leader"],
            "extend_roles": ["leader"],
        },
        {"key": "reported", "name": gettext_noop("纪要已报送"), "tags": [TOOK_PLACE, MINUTES_PUBLIC]},
        {"key": "closed", "name": gettext_noop("办结"), "is_final": True, "tags": [TOOK_PLACE, MINUTES_PUBLIC]},
        {"key": "dropped", "name": gettext_noop("取消"), "is_final": True, "tags": [CANCELLED]},
    ],
    "transitions": [
        {
            "key": "propose",
            "name": gettext_noop("登记主席会议提出"),
            "sources": ["planned"],
            "target": "proposed",
            "roles": [HOST_STAFF],
            "notify": ["leader"],
            "payload_schema": PROPOSE_PAYLOAD,
            "style": "primary",
        },
        {
            # The party committee approves the annual plan's topics; it does not use the platform, so the lead host's
            # committee staff record its decision with the document that carries it (conditions check the date).
            "key": "approve",
            "name": gettext_noop("登记党委批准"),
            "sources": ["proposed"],
            "target": "approved",
            "roles": [STAFF],
            "conditions": ["consultations.approval_recorded"],
            "notify": [HOST_STAFF, "leader"],
            "payload_schema": APPROVE_PAYLOAD,
            "style": "primary",
        },
        {
            "key": "hold",
            "name": gettext_noop("已召开"),
            "sources": ["approved"],
            "target": "held",
            "roles": [HOST_STAFF],
            "style": "primary",
        },
        {
            "key": "report_minutes",
            "name": gettext_noop("报送纪要"),
            "sources": ["held"],
            "target": "reported",
            "roles": [HOST_STAFF],
            "conditions": ["consultations.minutes_written"],
            "notify": ["leader"],
            "style": "primary",
        },
        {
            "key": "close",
            "name": gettext_noop("办结"),
            "sources": ["reported"],
            "target": "closed",
            "roles": [HOST_STAFF],
            "style": "secondary",
        },
        {
            "key": "drop",
            "name": gettext_noop("取消"),
            "sources": ["planned", "proposed", "approved"],
            "target": "dropped",
            "roles": [HOST_STAFF, "leader"],
            "requires_reason": True,
            "style": "danger",
        },
    ],
}


# 提案办理协商 (decision 0031): a key proposal's supervision meeting. Not in the annual plan and not approved by the
# party committee, so it starts where an approved consultation is (notice, materials, invitations, check-in) and then
# runs the same steps: held, minutes reported, closed. The same phase tags, so every page and rule reads it as is.
def _shared(part: str, *keys: str) -> list[dict[str, Any]]:
    """The consultation workflow's own states or transitions of these keys, copied: the supervision meeting's life
    after it is held is the consultation's (minutes due in 7 working days, reported, closed, dropped)."""
    by_key = {item["key"]: item for item in CONSULTATION_WORKFLOW[part]}
    return [copy.deepcopy(by_key[key]) for key in keys]


HANDLING_WORKFLOW: dict[str, Any] = {
    "key": "handling_consultation",
    "name": gettext_noop("提案办理协商"),
    "description": "督办协商会：通知与材料 → 召开 → 纪要报送 → 办结。",
    "settings": dict(CONSULTATION_WORKFLOW["settings"]),
    "states": [
        {
            "key": "scheduled",
            "name": gettext_noop("已安排"),
            "is_initial": True,
            "allows": {"edit": True, "invite": True, "checkin": True},
            "tags": [PREPARING, OPEN, MEETING, NOTICES, LIVE_STREAM],
        },
        *_shared("states", "held", "reported", "closed", "dropped"),
    ],
    "transitions": [
        {
            "key": "hold",
            "name": gettext_noop("已召开"),
            "sources": ["scheduled"],
            "target": "held",
            "roles": [HOST_STAFF],
            "style": "primary",
        },
        *_shared("transitions", "report_minutes", "close"),
        {
            "key": "drop",
            "name": gettext_noop("取消"),
            "sources": ["scheduled"],
            "target": "dropped",
            "roles": [HOST_STAFF, "leader"],
            "requires_reason": True,
            "style": "danger",
        },
    ],
}

OWNER = "owner"  # officers of the responsible bureau, or the responsible leader

OUTCOME_WORKFLOW: dict[str, Any] = {
    "key": "consultation_outcome",
    "name": gettext_noop("协商成果"),
    "description": "报送 → 领导批示 → 采纳 → 落实（进展、节点）→ 办结；或不予采纳（注明理由）。",
    "settings": {},
    "states": [
        {"key": "draft", "name": gettext_noop("待报送"), "is_initial": True, "allows": {"edit": True}, "tags": [DRAFT]},
        {
            "key": "sent",
            "name": gettext_noop("已报送"),
            "deadline_amount": 15,
            "deadline_unit": "working_days",
            "warn_before": 3,
            "warn_after_every": 3,
            "responsible_roles": [OWNER],
            "escalate_roles": [STAFF],
            "extend_roles": [STAFF],
            "tags": [WITH_OWNER],
        },
        {
            "key": "instructed",
            "name": gettext_noop("已批示"),
            "deadline_amount": 10,
            "deadline_unit": "working_days",
            "warn_before": 3,
            "warn_after_every": 3,
            "responsible_roles": [OWNER],
            "escalate_roles": [STAFF, "leader"],
            "tags": [WITH_OWNER],
        },
        {"key": "adopted", "name": gettext_noop("已采纳"), "allows": {"progress": True}, "tags": [IMPLEMENTING]},
        {
            "key": "implementing",
            "name": gettext_noop("落实中"),
            "allows": {"progress": True},
            "deadline_amount": 3,
            "deadline_unit": "months",
            "deadline_max_amount": 12,
            "warn_before": 5,
            "warn_after_every": 5,
            "responsible_roles": [OWNER],
            "escalate_roles": [STAFF, "leader"],
            "extend_roles": [STAFF, "leader"],
            "tags": [IMPLEMENTING],
        },
        {
            "key": "done",
            "name": gettext_noop("已办结"),
            "is_final": True,
            "allows": {"rate": True},
            "tags": [DONE, SETTLED],
        },
        {"key": "not_adopted", "name": gettext_noop("未采纳"), "is_final": True, "tags": [SETTLED]},
    ],
    "transitions": [
        {
            "key": "send",
            "name": gettext_noop("报送责任方"),
            "sources": ["draft"],
            "target": "sent",
            "roles": [STAFF, "convener", "origin_staff"],
            "conditions": ["consultations.has_owner"],
            "notify": [OWNER],
            "style": "primary",
        },
        {
            "key": "instruct",
            "name": gettext_noop("领导批示"),
            "sources": ["sent"],
            "target": "instructed",
            "roles": ["leader"],
            "notify": [OWNER, STAFF],
            "payload_schema": {
                "required": ["instruction"],
                "fields": {"instruction": {"label": gettext_noop("批示内容")}},
            },
        },
        {
            "key": "adopt",
            "name": gettext_noop("采纳"),
            "sources": ["sent", "instructed"],
            "target": "adopted",
            "roles": [OWNER],
            "notify": [STAFF, "convener"],
            "style": "primary",
        },
        {
            "key": "reject",
            "name": gettext_noop("不予采纳"),
            "sources": ["sent", "instructed"],
            "target": "not_adopted",
            "roles": [OWNER],
            "requires_reason": True,
            "notify": [STAFF, "convener"],
            "style": "danger",
        },
        {
            "key": "implement",
            "name": gettext_noop("开始落实"),
            "sources": ["adopted"],
            "target": "implementing",
            "roles": [OWNER],
            "style": "primary",
        },
        {
            "key": "complete",
            "name": gettext_noop("落实完成"),
            "sources": ["implementing"],
            "target": "done",
            "roles": [OWNER, STAFF],
            "conditions": ["consultations.has_progress"],
            "notify": [STAFF, "convener", "followers"],
            "style": "primary",
        },
    ],
}

TOPIC_WORKFLOW: dict[str, Any] = {
    "key": "room_topic",
    "name": gettext_noop("议事议题"),
    "description": "提出 → 召集人选定（确定参加人员、协商方式）→ 协商 → 达成成果清单 → 跟踪落实 → 办实事完成。",
    "settings": {},
    "states": [
        {
            "key": "raised",
            "name": gettext_noop("征集中"),
            "is_initial": True,
            "allows": {"support": True},
            "tags": [COLLECTING],
        },
        {"key": "selected", "name": gettext_noop("已选定"), "allows": {"conversation": True}, "tags": [CONVERSATION]},
        {"key": "held", "name": gettext_noop("已协商"), "allows": {"outcomes": True}, "tags": [CONVERSATION, AGREEING]},
        {"key": "following", "name": gettext_noop("成果落实中"), "tags": [FOLLOWING]},
        {"key": "done", "name": gettext_noop("已办结"), "is_final": True, "tags": [DONE]},
        {"key": "declined", "name": gettext_noop("未选定"), "is_final": True, "tags": [DECLINED]},
    ],
    "transitions": [
        {
            "key": "select",
            "name": gettext_noop("选定议题"),
            "sources": ["raised"],
            "target": "selected",
            "roles": ["convener"],
            "conditions": ["consultations.topic_prepared"],
            "notify": ["raiser", "participants"],
            "style": "primary",
        },
        {
            "key": "hold",
            "name": gettext_noop("已协商"),
            "sources": ["selected"],
            "target": "held",
            "roles": ["convener"],
            "style": "primary",
        },
        {
            "key": "agree",
            "name": gettext_noop("确定成果清单"),
            "sources": ["held"],
            "target": "following",
            "roles": ["convener"],
            "conditions": ["consultations.has_outcomes"],
            "notify": ["participants", "followers"],
            "style": "primary",
        },
        {
            "key": "finish",
            "name": gettext_noop("办结"),
            "sources": ["following"],
            "target": "done",
            "roles": ["convener", STAFF],
            "conditions": ["consultations.outcomes_settled"],
            "notify": ["raiser", "participants", "followers"],
            "style": "primary",
        },
        {
            "key": "decline",
            "name": gettext_noop("不予选定"),
            "sources": ["raised"],
            "target": "declined",
            "roles": ["convener"],
            "requires_reason": True,
            "notify": ["raiser"],
            "style": "danger",
        },
    ],
}

# Installed by migration 0002 (HANDLING_WORKFLOW came later: 0012 installs it, with its tags).
WORKFLOWS = (CONSULTATION_WORKFLOW, OUTCOME_WORKFLOW, TOPIC_WORKFLOW)

# Duty rules this app credits (key, kind, label, points); installed as platform defaults by migration 0002.
DUTY_RULES = [
    ("consultation_attendance", "attendance", "参加协商活动", 2),
    ("consultation_speech", "speech", "协商活动发言", 3),
    ("room_activity", "community", "参加协商议事室活动", 2),
]


# What code names in each workflow (checked against every active copy by workflow.E001). Besides the tags, a few
# transitions are named by key: services run them on a form of their own (plan_record_approval runs "approve" for the
# year's plan, topic_prepare runs "select" once participants and form are set).
register_requirements(
    CONSULTATION_WORKFLOW["key"],
    tags=[
        PREPARING,
        OPEN,
        AWAITING_APPROVAL,
        MEETING,
        NOTICES,
        LIVE_STREAM,
        MINUTES,
        TOOK_PLACE,
        MINUTES_PUBLIC,
        CANCELLED,
    ],
    transitions=["approve"],
)
register_requirements(
    HANDLING_WORKFLOW["key"],
    tags=[PREPARING, OPEN, MEETING, NOTICES, LIVE_STREAM, MINUTES, TOOK_PLACE, MINUTES_PUBLIC, CANCELLED],
)
register_requirements(OUTCOME_WORKFLOW["key"], tags=[DRAFT, IMPLEMENTING, SETTLED, DONE])
register_requirements(
    TOPIC_WORKFLOW["key"], tags=[COLLECTING, CONVERSATION, AGREEING, DONE, DECLINED], transitions=["select"]
)
