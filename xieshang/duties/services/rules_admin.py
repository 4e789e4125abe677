"""Staff edit the point rules and the tier cut-offs on a page. A rule edited for a year becomes the organization's
version of that key from that year on; entries already written keep the points they were credited with, and acts of
earlier years keep being priced by the version of their year."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from xieshang.audit.services import audit_record
from xieshang.core.services import require

from ..models import FIRST_YEAR, DutyRule, DutySettings
from ..selectors import rule_for

MAX_POINTS = Decimal("9999.9")


def parse_points(value: Any, field: str, *, required: bool = True, allow_negative: bool = True) -> Decimal | None:
    text = str(value if value is not None else "").strip()
    if not text:
        if required:
            raise ValidationError({field: _("请填写分值。")})
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValidationError({field: _("请填写数字，例如 5 或 2.5。")}) from None
    if not number.is_finite() or abs(number) > MAX_POINTS or number != number.quantize(Decimal("0.1")):
        raise ValidationError({field: _("请填写不超过 9999.9、最多一位小数的数字。")})
    if number < 0 and not allow_negative:
        raise ValidationError({field: _("不能为负数。")})
    return number


def _snapshot(rule: DutyRule) -> dict[str, Any]:
    cap = rule.cap_per_year
    return {
        "points": str(rule.points),
        "cap_per_year": str(cap) if cap is not None else None,
        "is_active": rule.is_active,
        "label": rule.label,
        "label_en": rule.label_en,
        "year_from": rule.year_from,
        "rule_id": rule.pk,
    }


def rule_update(
    *,
    actor: Any,
    organization: Any,
    key: str,
    year: int,
    points: Any,
    cap_per_year: Any = None,
    is_active: bool = True,
    label: str = "",
    label_en: str = "",
) -> DutyRule:
    """The organization's rule `key` from `year` on: its version of that year updated, or a new version. Refused
    with the reasons by field (nothing written); a save that changes nothing writes nothing."""
    require(actor, "duties.manage_rules", organization)
    errors: dict[str, str] = {}
    values: dict[str, Any] = {"label": (label or "").strip(), "label_en": (label_en or "").strip()}
    for field, raw, required, negative in (
        ("points", points, True, True),
        ("cap_per_year", cap_per_year, False, False),
    ):
        try:
            values[field] = parse_points(raw, field, required=required, allow_negative=negative)
        except ValidationError as error:
            errors.update({k: v[0] for k, v in error.message_dict.items()})
    if not values["label"]:
        errors["label"] = _("请填写名称。")
    elif len(values["label"]) > 80 or len(values["label_en"]) > 80:
        errors["label"] = _("名称不能超过 80 字。")
    if not FIRST_YEAR <= int(year) <= 2100:
        errors["year"] = _("年度不在有效范围内。")
    current = rule_for(organization, key, int(year))
    if current is None:
        errors["key"] = _("未找到履职积分规则“%(key)s”。") % {"key": key}
    if errors:
        raise ValidationError(errors)
    assert current is not None
    values["is_active"] = bool(is_active)
    with transaction.atomic():
        org_id = getattr(organization, "pk", organization)
        rule = DutyRule.objects.select_for_update().filter(organization_id=org_id, key=key, year_from=year).first()
        before = _snapshot(rule or current)
        if all(getattr(current, f) == v for f, v in values.items()) and rule is not None:
            return rule
        if rule is None:
            rule = DutyRule(organization_id=org_id, key=key, year_from=year, kind=current.kind)
        for field, value in values.items():
            setattr(rule, field, value)
        rule.save()
        audit_record(
            actor=actor,
            action="duties.rule_update",
            obj=rule,
            organization=org_id,
            detail={"key": key, "year": int(year), "before": before, "after": _snapshot(rule)},
        )
    return rule


def rule_create(
    *, actor: Any, organization: Any, key: str, kind: str, year: int, points: Any, label: str, label_en: str = ""
) -> DutyRule:
    """A rule key new to the organization (a kind of activity it adds), with its first version from `year`. A key
    that exists already is refused: it is edited by rule_update, as a new version."""
    require(actor, "duties.manage_rules", organization)
    org_id = getattr(organization, "pk", organization)
    errors: dict[str, str] = {}
    value: Decimal | None = None
    try:
        value = parse_points(points, "points")
    except ValidationError as error:
        errors.update({k: v[0] for k, v in error.message_dict.items()})
    if rule_for(org_id, key) is not None:
        errors["key"] = _("履职积分规则“%(key)s”已存在。") % {"key": key}
    if not label.strip():
        errors["label"] = _("请填写名称。")
    if errors:
        raise ValidationError(errors)
    assert value is not None  # required: parse_points refused an empty value
    with transaction.atomic():
        rule = DutyRule.objects.create(
            organization_id=org_id, key=key, year_from=int(year), kind=kind, label=label.strip()[:80],
            label_en=label_en.strip()[:80], points=value,
        )  # fmt: skip
        audit_record(
            actor=actor, action="duties.rule_create", obj=rule, organization=org_id,
            detail={"key": key, "year": int(year), "after": _snapshot(rule)},
        )  # fmt: skip
    return rule


def tiers_update(*, actor: Any, organization: Any, excellent_min: Any, pass_min: Any, basic_min: Any) -> DutySettings:
    """The tier cut-offs: 优秀 ≥ excellent ≥ 合格 ≥ pass ≥ 基本合格 ≥ basic; anything lower is 不合格."""
    require(actor, "duties.manage_rules", organization)
    errors: dict[str, str] = {}
    values: dict[str, Decimal | None] = {}
    for field, raw in (("excellent_min", excellent_min), ("pass_min", pass_min), ("basic_min", basic_min)):
        try:
            values[field] = parse_points(raw, field)
        except ValidationError as error:
            errors.update({k: v[0] for k, v in error.message_dict.items()})
    if not errors and not (values["excellent_min"] > values["pass_min"] > values["basic_min"]):  # type: ignore[operator]
        errors["pass_min"] = _("分数线须依次降低：优秀 > 合格 > 基本合格。")
    if errors:
        raise ValidationError(errors)
    org_id = getattr(organization, "pk", organization)
    with transaction.atomic():
        conf, _created = DutySettings.objects.select_for_update().get_or_create(organization_id=org_id)
        before = {f: str(getattr(conf, f)) for f in values}
        for field, value in values.items():
            setattr(conf, field, value)
        conf.save()
        audit_record(
            actor=actor,
            action="duties.tiers_update",
            obj=conf,
            organization=org_id,
            detail={"before": before, "after": {f: str(v) for f, v in values.items()}},
        )
    return conf
