"""Minutes and outcomes: the minutes, recommendations (建议案) and room outcomes, their progress and residents'
ratings."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from xieshang.accounts.models import Role
from xieshang.accounts.selectors import has_role
from xieshang.audit.services import audit_record
from xieshang.core.services import require
from xieshang.workflow import services as workflow
from xieshang.workflow.models import WorkflowEvent
from xieshang.workflow.selectors import state_has

from .. import following, origins, search_wiring
from ..models import Consultation, Outcome, Progress, Rating, Topic
from ..visibility import host_ids
from ..workflows import DONE, OUTCOME_WORKFLOW
from ._base import NOT_PERMITTED

if TYPE_CHECKING:
    from xieshang.accounts.models import User


def minutes_save(*, actor: User, consultation: Consultation, minutes: str) -> Consultation:
    require(actor, "consultations.write_minutes", consultation, NOT_PERMITTED)
    minutes = (minutes or "").strip()
    if not minutes:
        raise ValidationError({"minutes": _("请填写纪要正文。")})
    with transaction.atomic():
        Consultation.objects.filter(pk=consultation.pk).update(minutes=minutes)
        consultation.minutes = minutes
        # The minutes are a document of their own (and the consultation's outcomes follow its hosts).
        search_wiring.index_consultation(consultation.pk)
        audit_record(actor=actor, action="consultations.minutes_save", obj=consultation)
    return consultation


def _check_owner(owner_unit: Any, owner_leader: Any, organization_ids: Collection[int]) -> None:
    if owner_unit is None and owner_leader is None:
        raise ValidationError({"owner_unit": _("请指定责任单位或责任领导。")})
    if owner_unit is not None and owner_unit.organization_id not in organization_ids:
        raise ValidationError({"owner_unit": _("责任单位须属于本组织。")})


def _outcome_create(
    *,
    actor: User,
    organization_id: int,
    source: str,
    title: str,
    body: str,
    owner_unit: Any,
    owner_leader: Any,
    **links: Any,
) -> Outcome:
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("请填写事项。")})
    outcome = Outcome(
        organization_id=organization_id,
        source=source,
        title=title,
        body=body or "",
        owner_unit=owner_unit,
        owner_leader=owner_leader,
        **links,
    )
    workflow.start(actor=actor, obj=outcome, workflow_key=OUTCOME_WORKFLOW["key"], organization=organization_id)
    search_wiring.index_outcome(outcome.pk)
    audit_record(actor=actor, action="consultations.outcome_create", obj=outcome, detail={"source": source})
    return outcome


def recommendation_add(
    *,
    actor: User,
    consultation: Consultation,
    title: str,
    body: str = "",
    owner_unit: Any = None,
    owner_leader: Any = None,
) -> Outcome:
    require(actor, "consultations.add_recommendation", consultation, NOT_PERMITTED)
    _check_owner(owner_unit, owner_leader, host_ids(consultation))
    with transaction.atomic():
        return _outcome_create(
            actor=actor,
            organization_id=consultation.organization_id,
            source=Outcome.Source.RECOMMENDATION,
            title=title,
            body=body,
            owner_unit=owner_unit,
            owner_leader=owner_leader,
            consultation=consultation,
        )


def topic_outcome_add(
    *, actor: User, topic: Topic, title: str, body: str = "", owner_unit: Any = None, owner_leader: Any = None
) -> Outcome:
    require(actor, "consultations.add_outcome", topic, NOT_PERMITTED)
    _check_owner(owner_unit, owner_leader, {topic.organization_id})
    with transaction.atomic():
        return _outcome_create(
            actor=actor,
            organization_id=topic.organization_id,
            source=Outcome.Source.ROOM,
            title=title,
            body=body,
            owner_unit=owner_unit,
            owner_leader=owner_leader,
            topic=topic,
        )


def outcome_track(
    *,
    actor: Any,
    origin: Any,
    title: str,
    body: str = "",
    owner_unit: Any = None,
    owner_leader: Any = None,
    source: str = Outcome.Source.VISIT,
    promised_on: date | None = None,
    send: bool = False,
) -> Outcome:
    """Track another record's recommendation or promise as an outcome (a supervision or survey visit's 意见建议, a
    reply's promise): the same workflow, owners, progress and reminders as a consultation's. `origin` is any saved
    row with an organization_id; the actor must be committee staff of that organization or the origin's registered
    staff (consultations.origins). `promised_on`: the date the owner committed to, on which it falls due while
    carried out. `send`: straight on to the owner. Inside the caller's transaction when there is one."""
    require(actor, "consultations.track_outcome", origin, NOT_PERMITTED)
    _check_owner(owner_unit, owner_leader, {origin.organization_id})
    with transaction.atomic():
        outcome = _outcome_create(
            actor=actor,
            organization_id=origin.organization_id,
            source=source,
            title=title,
            body=body,
            owner_unit=owner_unit,
            owner_leader=owner_leader,
            origin=origin,
            promised_on=promised_on,
        )
        if send:
            workflow.transition(actor=actor, obj=outcome, transition_key="send")
        return outcome


def outcome_transition(
    *, actor: User, outcome: Outcome, key: str, reason: str = "", payload: Any = None
) -> WorkflowEvent:
    return workflow.transition(actor=actor, obj=outcome, transition_key=key, reason=reason, payload=payload)


def outcome_set_public(*, actor: User, outcome: Outcome, public: bool) -> Outcome:
    """Whether the outcome's handling status appears on the public portal (《郑在协商》)."""
    require(actor, "consultations.publish_outcome", outcome, NOT_PERMITTED)
    with transaction.atomic():
        if Outcome.objects.filter(pk=outcome.pk).exclude(is_public=bool(public)).update(is_public=bool(public)):
            audit_record(
                actor=actor,
                action="consultations.outcome_public" if public else "consultations.outcome_private",
                obj=outcome,
            )
    outcome.is_public = bool(public)
    return outcome


def progress_add(
    *,
    actor: User,
    outcome: Outcome,
    text: str,
    percent: int = 0,
    milestone: str = "",
    milestone_due: date | None = None,
) -> Progress:
    require(actor, "consultations.add_progress", outcome, NOT_PERMITTED)
    text = (text or "").strip()
    errors = {}
    if not text:
        errors["text"] = _("请填写进展情况。")
    if not 0 <= int(percent or 0) <= 100:
        errors["percent"] = _("完成比例应在 0 到 100 之间。")
    if milestone_due and not milestone:
        errors["milestone"] = _("填写了节点日期，请同时填写节点名称。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        entry = Progress.objects.create(
            outcome=outcome,
            author=actor,
            text=text,
            percent=int(percent or 0),
            milestone=milestone,
            milestone_due=milestone_due,
        )
        audit_record(actor=actor, action="consultations.progress_add", obj=outcome, detail={"percent": percent})
        following.progress_added(outcome, entry, actor)
    return entry


def outcome_rate(*, actor: User, outcome: Outcome, score: Any, comment: str = "") -> Rating:
    if outcome.topic_id is None and outcome.origin_type_id is not None:
        if not any(u.pk == actor.pk for u in origins.raters(outcome)):
            raise PermissionDenied(_("只有提出该事项的委员可以评价落实情况。"))
    elif outcome.topic_id is None or not has_role(actor, Role.CITIZEN, outcome.organization_id):
        raise PermissionDenied(_("只有本地居民可以评价议事成果。"))
    if not state_has(outcome, DONE):
        raise ValidationError({"score": _("该成果尚未落实完成，办结后才能评价效果。")})
    try:
        score = int(score)
    except (TypeError, ValueError):
        score = 0
    if score not in Rating.Score.values:
        raise ValidationError({"score": _("请选择满意、基本满意或不满意。")})
    if Rating.objects.filter(outcome=outcome, user=actor).exists():
        raise ValidationError({"score": _("您已经评价过该成果，每人只能评价一次。")})
    try:
        with transaction.atomic():
            rating = Rating.objects.create(outcome=outcome, user=actor, score=score, comment=(comment or "")[:200])
            audit_record(actor=actor, action="consultations.outcome_rate", obj=outcome, detail={"score": score})
    except IntegrityError:
        raise ValidationError({"score": _("您已经评价过该成果，每人只能评价一次。")}) from None
    return rating
