"""The default pipeline of a report, installed by migration 0002 and editable per organization afterwards.

Transitions that carry records of their own (publish, send up, forward, reply, instruction, adoption) are taken by
the services (services/), which write those records first in the same transaction: each such transition names a
condition (roles.py) that checks the rows backing what its event says, so it is refused anywhere else (e.g. the
generic workflow endpoint) and a state never claims what no row backs.

What a state means for code is in its phase tags (migration 0003 sets them on installed workflows, organization
copies included); code asks `state_has(report, tag)` / `state_tag(tag)`, never a state's key:

- "intake": collected, waiting for the editors (desk tab 待编辑);
- "editing": being edited (desk tab 编辑中; the page links to the editor);
- "approved": approved, may be put into a bulletin issue (desk tab 已签批待编刊);
- "issued": published, not yet sent anywhere (desk tab 已刊发待报送);
- "published": published (issued or sent): may be sent up and forwarded;
- "sent": sent up or forwarded: instructions and adoptions may be recorded (desk tab 已报送);
- "desk": on the information staff's queue (intake, editing, approved);
- "not_adopted": closed without use, with a reason to the author (desk tab 未采用; the statistics' 未采用);
- "archived": archived after use;
- "done": finished (archived or closed): nothing more may be recorded."""

from django.utils.translation import gettext_noop

from xieshang.workflow.registry import register_requirements

STAFF = "information_staff"
IN_PUBLISHED_ISSUE = "opinions.in_published_issue"
DISPATCH_RECORDED = "opinions.dispatch_recorded"
FORWARD_RECORDED = "opinions.forward_recorded"
REPLY_RECORDED = "opinions.reply_recorded"
INSTRUCTION_RECORDED = "opinions.instruction_recorded"
ADOPTION_RECORDED = "opinions.adoption_recorded"
# The transition each record-backed condition guards (migration 0003 puts them in place of "opinions.service").
RECORD_CONDITIONS = {
    "publish": IN_PUBLISHED_ISSUE,
    "send_up": DISPATCH_RECORDED,
    "forward": FORWARD_RECORDED,
    "reply": REPLY_RECORDED,
    "instruct": INSTRUCTION_RECORDED,
    "adopt": ADOPTION_RECORDED,
}
STATE_TAGS = {
    "collected": ["intake", "desk"],
    "editing": ["editing", "desk"],
    "approved": ["approved", "desk"],
    "issued": ["issued", "published"],
    "sent": ["sent", "published"],
    "archived": ["archived", "done"],
    "closed": ["not_adopted", "done"],
}
TAGS = sorted({tag for tags in STATE_TAGS.values() for tag in tags})

REPORT_WORKFLOW = {
    "key": "opinion_report",
    "name": gettext_noop("社情民意信息"),
    "description": "收集 → 编辑 → 签批 → 刊发 → 报送/转办 → 批示、采用 → 归档；未采用的注明理由办结。",
    "settings": {},
    "states": [
        {"key": "collected", "name": gettext_noop("已收稿"), "is_initial": True, "tags": STATE_TAGS["collected"]},
        {"key": "editing", "name": gettext_noop("编辑中"), "allows": {"edit": True}, "tags": STATE_TAGS["editing"]},
        {"key": "approved", "name": gettext_noop("已签批"), "allows": {"issue": True}, "tags": STATE_TAGS["approved"]},
        {"key": "issued", "name": gettext_noop("已刊发"), "tags": STATE_TAGS["issued"]},
        {"key": "sent", "name": gettext_noop("已报送"), "tags": STATE_TAGS["sent"]},
        {"key": "archived", "name": gettext_noop("已归档"), "is_final": True, "tags": STATE_TAGS["archived"]},
        {"key": "closed", "name": gettext_noop("未采用"), "is_final": True, "tags": STATE_TAGS["closed"]},
    ],
    "transitions": [
        {
            "key": "take_up",
            "name": gettext_noop("开始编辑"),
            "sources": ["collected"],
            "target": "editing",
            "roles": [STAFF],
            "notify": ["author"],
            "style": "primary",
        },
        {
            "key": "approve",
            "name": gettext_noop("签批"),
            "sources": ["editing"],
            "target": "approved",
            "roles": [STAFF, "leader"],
            "style": "primary",
        },
        {
            "key": "reopen",
            "name": gettext_noop("退回修改"),
            "sources": ["approved"],
            "target": "editing",
            "roles": [STAFF, "leader"],
            "requires_reason": True,
            "style": "secondary",
        },
        {
            "key": "publish",
            "name": gettext_noop("刊发"),
            "sources": ["approved"],
            "target": "issued",
            "roles": [STAFF],
            "conditions": [IN_PUBLISHED_ISSUE],
            "notify": ["author"],
        },
        {
            "key": "send_up",
            "name": gettext_noop("报送"),
            "sources": ["issued", "sent"],
            "target": "sent",
            "roles": [STAFF],
            "conditions": [DISPATCH_RECORDED],
            "notify": ["author"],
            "payload_schema": {
                "required": ["recipients"],
                "fields": {"recipients": {"label": gettext_noop("报送对象")}},
            },
        },
        {
            "key": "forward",
            "name": gettext_noop("转办"),
            "sources": ["issued", "sent"],
            "target": "sent",
            "roles": [STAFF],
            "conditions": [FORWARD_RECORDED],
            "notify": ["forwarded_unit"],
            "payload_schema": {"required": ["units"], "fields": {"units": {"label": gettext_noop("承办单位")}}},
        },
        {
            "key": "reply",
            "name": gettext_noop("办理回复"),
            "sources": ["sent"],
            "target": "sent",
            "roles": ["forwarded_unit"],
            "conditions": [REPLY_RECORDED],
            "notify": [STAFF, "author"],
            "payload_schema": {"required": ["unit"], "fields": {"unit": {"label": gettext_noop("回复单位")}}},
        },
        {
            "key": "instruct",
            "name": gettext_noop("记录批示"),
            "sources": ["sent"],
            "target": "sent",
            "roles": [STAFF],
            "conditions": [INSTRUCTION_RECORDED],
            "notify": ["author"],
            "payload_schema": {
                "required": ["leader"],
                "fields": {"leader": {"label": gettext_noop("批示领导")}, "level": {"label": gettext_noop("层级")}},
            },
        },
        {
            "key": "adopt",
            "name": gettext_noop("记录采用"),
            "sources": ["sent"],
            "target": "sent",
            "roles": [STAFF],
            "conditions": [ADOPTION_RECORDED],
            "notify": ["author"],
            "payload_schema": {"required": ["level"], "fields": {"level": {"label": gettext_noop("采用层级")}}},
        },
        {
            "key": "archive",
            "name": gettext_noop("归档"),
            "sources": ["issued", "sent"],
            "target": "archived",
            "roles": [STAFF],
            "style": "secondary",
        },
        {
            "key": "close",
            "name": gettext_noop("不予采用"),
            "sources": ["collected", "editing", "approved"],
            "target": "closed",
            "roles": [STAFF],
            "requires_reason": True,
            "notify": ["author"],
            "style": "danger",
        },
    ],
}


def register() -> None:
    """What code names in this workflow (checked by workflow.E001 against every active copy). Transition keys named
    by code: the services take the record-carrying transitions by key (they are the records' events), the generic
    form offers the simple ones, and hooks run on approve, close and archive."""
    register_requirements(
        REPORT_WORKFLOW["key"],
        tags=TAGS,
        transitions=["take_up", "approve", "reopen", "archive", "close", *RECORD_CONDITIONS],
        flags=["edit"],
    )
