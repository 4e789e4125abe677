"""Supervision and survey visits (督导、视察、调研走访): where, when, who led, what was found; and what was recommended
to whom, handed to the consultations' outcome tracking (consultations.services.outcome_track), so a visit's
recommendations are sent, instructed, adopted, carried out and reminded like a consultation's 建议案."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from xieshang.audit.services import audit_record
from xieshang.consultations import services as consultation_services
from xieshang.core.names import named

from ..models import Activity, ActivityGroup, Visit
from ._base import member_ids, now, require, text_error


class Recommendation(NamedTuple):
    """What was recommended and to whom: a handling unit, or a leader."""

    title: str
    body: str = ""
    owner_unit: Any = None
    owner_leader: Any = None


def _visit_errors(
    activity: Activity, group: ActivityGroup | None, place: str, visited_at: datetime | None, led_by: Any, findings: str
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if message := text_error(place, 120, _("走访地点")):
        errors["place"] = message
    if visited_at is None:
        errors["visited_at"] = _("请填写走访时间。")
    elif visited_at > now():
        errors["visited_at"] = _("走访时间不能晚于现在：走访结束后再记录。")
    if led_by is None:
        errors["led_by"] = _("请选择带队的委员。")
    elif led_by.pk not in member_ids(activity.organization_id, [led_by]):
        errors["led_by"] = _("带队须为本组织的委员。")
    if message := text_error(findings, 5000, _("发现的问题")):
        errors["findings"] = message
    if group is not None and group.activity_id != activity.pk:
        errors["group"] = _("请选择本活动的工作组。")
    return errors


def visit_record(
    *,
    actor: Any,
    activity: Activity,
    place: str,
    visited_at: datetime | None,
    led_by: Any,
    findings: str,
    group: ActivityGroup | None = None,
    recommendations: Iterable[Recommendation] = (),
) -> Visit:
    """Record a visit of the activity and track each of its recommendations as an outcome; all or nothing."""
    require(actor, "activities.record_visit", activity)
    if not activity.kind.uses_visits:
        raise ValidationError(_("“%(kind)s”类活动不记录走访。") % {"kind": named(activity.kind.name)})
    if activity.state == Activity.State.CANCELLED:
        raise ValidationError(_("活动已取消，不能记录走访。"))
    if errors := _visit_errors(activity, group, place, visited_at, led_by, findings):
        raise ValidationError(errors)
    assert visited_at is not None  # _visit_errors refuses it
    with transaction.atomic():
        visit = Visit.objects.create(
            activity=activity,
            organization_id=activity.organization_id,
            group=group,
            place=place.strip(),
            visited_at=visited_at,
            led_by=led_by,
            findings=findings.strip(),
            recorded_by=actor,
        )
        for recommendation in recommendations:
            visit_recommend(actor=actor, visit=visit, recommendation=recommendation)
        audit_record(actor=actor, action="activities.visit_record", obj=activity, detail={"visit": visit.pk})
    return visit


def visit_recommend(*, actor: Any, visit: Visit, recommendation: Recommendation) -> Any:
    """One recommendation of the visit, tracked as a consultation outcome (returned) whose origin is the visit."""
    require(actor, "activities.record_visit", visit.activity)
    if message := text_error(recommendation.title, 160, _("意见建议")):
        raise ValidationError({"title": message})
    return consultation_services.outcome_track(
        actor=actor,
        origin=visit,
        title=recommendation.title.strip(),
        body=(recommendation.body or "").strip(),
        owner_unit=recommendation.owner_unit,
        owner_leader=recommendation.owner_leader,
    )
