"""Relational roles and conditions that the consultation, outcome and room-topic workflows name; register() hands
them to the engine (workflow.registry). Roles are accounts.relations.Relation objects, each declared once: here, or
in visibility.py where it is also an audience of who may see the object; rules.py takes their predicates."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xieshang.accounts.relations import Relation
from xieshang.accounts.visibility import RelatedUsers, UserField
from xieshang.workflow import registry

from . import selectors
from .models import Topic
from .visibility import CONVENER, HOST_STAFF, ORIGIN_STAFF, OWNER, room_of
from .workflows import OUTCOME_WORKFLOW


def followers(obj) -> list:
    room = room_of(obj)
    return selectors.room_followers(room) if room else []


# Roles of topics and outcomes only (host staff, owner and convener are in visibility.py, with the audiences).
RAISER = Relation("raiser", UserField("raised_by_id"), members=lambda t: [t.raised_by], label=gettext_lazy("提出人"))
PARTICIPANTS = Relation(
    "participants",
    RelatedUsers(Topic.participants.through, "topic"),
    members=lambda t: list(t.participants.all()),
    label=gettext_lazy("参加人员"),
)
# Told of a topic's and an outcome's progress, never acting: the role holds for nobody.
FOLLOWERS = Relation("followers", test=lambda user, obj: False, members=followers, label=gettext_lazy("关注的居民"))


# ---------------------------------------------------------------------------------------------------- conditions
def minutes_written(consultation, actor, payload):
    return None if consultation.minutes.strip() else _("请先填写并保存协商纪要。")


def approval_recorded(consultation, actor, payload):
    """The approval date must be a real date, not in the future (a record of a decision already taken). Its absence
    is left to the payload's required fields, so the button stays enabled until the form is submitted."""
    raw = str(payload.get("approved_on") or "").strip()
    if not raw:
        return None
    try:
        when = date.fromisoformat(raw)
    except ValueError:
        return _("批准日期格式应为 年-月-日，如 2026-03-05。")
    if when > timezone.localdate():
        return _("批准日期不能晚于今天：请在党委批准后登记。")
    return None


def has_owner(outcome, actor, payload):
    return None if (outcome.owner_unit_id or outcome.owner_leader_id) else _("请先指定责任单位或责任领导。")


def has_progress(outcome, actor, payload):
    return None if outcome.progress.exists() else _("请先填写至少一条落实进展。")


def topic_prepared(topic, actor, payload):
    if not topic.form or not topic.participants.exists():
        return _("请先确定参加人员和协商方式。")
    return None


def has_outcomes(topic, actor, payload):
    return None if topic.outcomes.exists() else _("请先列出至少一项协商成果。")


def outcomes_settled(topic, actor, payload):
    open_items = selectors.open_outcomes(topic).count()
    if open_items:
        return _("还有 %(n)d 项成果未落实完成。") % {"n": open_items}
    return None


def promised_due(outcome, state, entered_on: date, default: date | None) -> date | None:
    """An outcome that carries a promised date (a reply's promise) falls due on it while it is carried out."""
    return outcome.promised_on or default


def register() -> None:
    for state_key in ("adopted", "implementing"):
        registry.register_due_policy(OUTCOME_WORKFLOW["key"], state_key, promised_due)
    registry.register_relations("consultations.Consultation", HOST_STAFF)
    registry.register_relations("consultations.Outcome", OWNER, CONVENER, FOLLOWERS, ORIGIN_STAFF)
    registry.register_relations("consultations.Topic", CONVENER, FOLLOWERS, RAISER, PARTICIPANTS)
    condition = registry.register_condition
    condition("consultations.minutes_written", minutes_written, label=gettext_lazy("纪要已填写"))
    condition("consultations.approval_recorded", approval_recorded, label=gettext_lazy("批准日期有效"))
    condition("consultations.has_owner", has_owner, label=gettext_lazy("已指定责任方"))
    condition("consultations.has_progress", has_progress, label=gettext_lazy("已填写落实进展"))
    condition("consultations.topic_prepared", topic_prepared, label=gettext_lazy("已确定参加人员和方式"))
    condition("consultations.has_outcomes", has_outcomes, label=gettext_lazy("已列出协商成果"))
    condition("consultations.outcomes_settled", outcomes_settled, label=gettext_lazy("成果均已落实"))
