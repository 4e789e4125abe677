"""Staff edit the kinds of activity on a page: the name, the fields a kind uses, the check-in window and the points.
Editing a platform kind gives the organization its own row with the same key (the platform's stays as it was for
everyone else); the points are the kind's duty rules, edited through the duties' rule services, so a change of points
is a new version from the year chosen and credits already written keep their points."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from xieshang.audit.services import audit_record
from xieshang.duties import selectors as duty_selectors
from xieshang.duties import services as duty_services

from ..defaults import attendance_rule_key, leader_rule_key
from ..models import ActivityKind
from ._base import require

FLAGS = ("uses_report", "uses_group", "uses_donation", "uses_volunteer", "uses_visits")
KEY = re.compile(r"^[a-z][a-z0-9_]{1,29}$")
# The duty kind (member's page, annual report section) under which a new kind's credits count.
NEW_KIND_DUTY = "inspection"


@dataclass
class KindValues:
    name: str
    order: int
    uses_report: bool
    uses_group: bool
    uses_donation: bool
    uses_volunteer: bool
    uses_visits: bool
    checkin_before_minutes: int
    checkin_after_minutes: int
    is_active: bool
    points: Any
    leader_points: Any
    year: int


def _check(values: KindValues) -> dict[str, str]:
    errors = {}
    if not values.name.strip():
        errors["name"] = _("请填写名称。")
    elif len(values.name.strip()) > 40:
        errors["name"] = _("名称不能超过 40 字。")
    for field in ("checkin_before_minutes", "checkin_after_minutes"):
        if not 0 <= getattr(values, field) <= 24 * 60:
            errors[field] = _("请填写 0 至 1440 之间的分钟数。")
    return errors


def _write_points(actor: Any, org_id: int, kind: ActivityKind, values: KindValues) -> None:
    for key, points, label, field in (
        (kind.attendance_rule_key, values.points, _("参加%(name)s"), "points"),
        (kind.leader_rule_key, values.leader_points, _("组织或带队%(name)s"), "leader_points"),
    ):
        if key:
            try:
                _write_rule(actor, org_id, key, points, label % {"name": values.name.strip()}, values.year)
            except ValidationError as error:
                found = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
                raise ValidationError(
                    {field if name == "points" else name: messages for name, messages in found.items()}
                ) from None


def _write_rule(actor: Any, org_id: int, key: str, points: Any, text: str, year: int) -> None:
    """The kind's rule `key` at `points` from `year` on: created for a new kind, a new version when changed."""
    current = duty_selectors.rule_for(org_id, key, year)
    if current is None:
        duty_services.rule_create(
            actor=actor, organization=org_id, key=key, kind=NEW_KIND_DUTY, year=year, points=points, label=text
        )
    elif not _same(points, current.points):
        duty_services.rule_update(
            actor=actor, organization=org_id, key=key, year=year, points=points, cap_per_year=current.cap_per_year,
            is_active=current.is_active, label=current.label, label_en=current.label_en,
        )  # fmt: skip


def kind_save(*, actor: Any, organization: Any, values: KindValues, key: str = "", new_key: str = "") -> ActivityKind:
    """Create the organization's kind `new_key`, or edit kind `key` (the platform's becomes the organization's own
    row). Refused with the reasons by field, nothing written: a bad name, minutes or points, a key taken."""
    require(actor, "activities.manage_kinds", organization)
    org_id = getattr(organization, "pk", organization)
    errors = _check(values)
    kinds = {k.key: k for k in _kinds(org_id)}
    if not key:
        if not KEY.match(new_key or ""):
            errors["key"] = _("标识须为 2 至 30 位小写字母、数字或下划线，以字母开头。")
        elif new_key in kinds or duty_selectors.rule_for(org_id, attendance_rule_key(new_key)) is not None:
            errors["key"] = _("标识“%(key)s”已被使用。") % {"key": new_key}
    elif key not in kinds:
        errors["key"] = _("未找到活动类型“%(key)s”。") % {"key": key}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if key:
            base = kinds[key]
            kind = base if base.organization_id == org_id else _copy(base, org_id)
        else:
            kind = ActivityKind(
                organization_id=org_id, key=new_key, attendance_rule_key=attendance_rule_key(new_key),
                leader_rule_key=leader_rule_key(new_key),
            )  # fmt: skip
        before = {f: getattr(kind, f) for f in ("name", "order", "is_active", *FLAGS)} if kind.pk else {}
        kind.name = values.name.strip()
        for field in ("order", *FLAGS, "checkin_before_minutes", "checkin_after_minutes", "is_active"):
            setattr(kind, field, getattr(values, field))
        kind.save()
        # Points last: a refusal (ValidationError by field) undoes the kind's row with them.
        _write_points(actor, org_id, kind, values)
        after = {f: getattr(kind, f) for f in ("name", "order", "is_active", *FLAGS)}
        audit_record(
            actor=actor,
            action="activities.kind_save",
            obj=kind,
            organization=org_id,
            detail={"key": kind.key, "before": before, "after": after},
        )
    return kind


def _same(points: Any, current: Decimal) -> bool:
    try:
        return Decimal(str(points).strip()) == current
    except InvalidOperation:
        return False


def _kinds(org_id: int) -> list[ActivityKind]:
    from ..selectors import kinds_for

    return kinds_for(org_id, active_only=False)


def _copy(base: ActivityKind, org_id: int) -> ActivityKind:
    kind = ActivityKind.objects.get(pk=base.pk)
    kind.pk = None
    kind.organization_id = org_id
    return kind
