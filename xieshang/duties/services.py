"""Writes of duty records. Domains credit acts through duty_credit; nothing else writes an entry."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.accounts.models import MemberProfile
from xieshang.audit.services import audit_record

from .models import DutyEntry
from .selectors import rule_for


def duty_credit(
    *,
    member,
    organization,
    rule_key: str,
    source,
    note: str = "",
    occurred_on=None,
    source_label: str = "",
    source_url: str = "",
    actor=None,
) -> DutyEntry | None:
    """Credit `member` for an act under rule `rule_key`, traceable to `source` (any saved model instance).

    Idempotent: a second credit for the same (member, rule, source) returns the existing entry unchanged. A yearly
    cap reduces the points (possibly to 0) but still records the act. An inactive rule credits nothing (None).
    Runs inside the caller's transaction when there is one, so a refused domain write leaves no credit behind."""
    org_id = getattr(organization, "pk", organization)
    rule = rule_for(org_id, rule_key)
    if rule is None:
        raise ValidationError(_("未找到履职积分规则“%(key)s”。") % {"key": rule_key})
    if not rule.is_active:
        return None
    content_type = ContentType.objects.get_for_model(source, for_concrete_model=True)
    existing = DutyEntry.objects.filter(
        member=member, rule_key=rule_key, content_type=content_type, object_id=source.pk
    ).first()
    if existing is not None:
        return existing
    occurred_on = occurred_on or timezone.localdate()
    points = rule.points
    if rule.cap_per_year is not None:
        used = DutyEntry.objects.filter(
            member=member, organization_id=org_id, rule_key=rule_key, year=occurred_on.year
        ).aggregate(total=Sum("points"))["total"] or Decimal(0)
        points = max(Decimal(0), min(points, rule.cap_per_year - used))
    term = (
        MemberProfile.objects.filter(user=member, organization_id=org_id).values_list("term", flat=True).first() or ""
    )
    get_url = getattr(source, "get_absolute_url", None)
    try:
        with transaction.atomic():
            entry = DutyEntry.objects.create(
                member=member,
                organization_id=org_id,
                term=term,
                year=occurred_on.year,
                kind=rule.kind,
                rule_key=rule_key,
                points=points,
                rule_points=rule.points,
                content_type=content_type,
                object_id=source.pk,
                source_label=(source_label or str(source))[:200],
                source_url=(source_url or (get_url() if get_url else ""))[:300],
                note=note[:200],
                occurred_on=occurred_on,
            )
    except IntegrityError:
        # A concurrent credit for the same act won the race: that entry is the credit.
        return DutyEntry.objects.get(member=member, rule_key=rule_key, content_type=content_type, object_id=source.pk)
    audit_record(
        actor=actor,
        action="duties.credit",
        obj=entry,
        organization=org_id,
        detail={"rule": rule_key, "points": str(points), "source": f"{content_type.model}:{source.pk}"},
    )
    return entry


class PastAct(NamedTuple):
    """An act from before the platform kept its records, for duty_history_load."""

    member: Any
    rule_key: str
    source: Any  # a saved model instance
    source_label: str
    source_url: str
    note: str
    occurred_on: date


def duty_history_load(*, organization, acts: Iterable[PastAct]) -> int:
    """Write the entries for acts of the past in bulk (records migrated from an older system, the demo's year of
    history), in the order given; returns how many were written.

    Like such records they carry no audit rows, and each earns its rule's full points (no yearly cap is applied: the
    past is taken as it was credited). An act under an inactive rule earns nothing, as in duty_credit."""
    org_id = getattr(organization, "pk", organization)
    terms = dict(MemberProfile.objects.filter(organization_id=org_id).values_list("user_id", "term"))
    rules: dict = {}
    content_types: dict = {}
    entries = []
    for act in acts:
        if act.rule_key not in rules:
            rules[act.rule_key] = rule_for(org_id, act.rule_key)
        rule = rules[act.rule_key]
        if rule is None:
            raise ValidationError(_("未找到履职积分规则“%(key)s”。") % {"key": act.rule_key})
        if not rule.is_active:
            continue
        model = type(act.source)
        if model not in content_types:
            content_types[model] = ContentType.objects.get_for_model(model, for_concrete_model=True)
        entries.append(
            DutyEntry(
                member=act.member,
                organization_id=org_id,
                term=terms.get(act.member.pk, ""),
                year=act.occurred_on.year,
                kind=rule.kind,
                rule_key=rule.key,
                points=rule.points,
                rule_points=rule.points,
                content_type=content_types[model],
                object_id=act.source.pk,
                source_label=act.source_label[:200],
                source_url=act.source_url[:300],
                note=act.note[:200],
                occurred_on=act.occurred_on,
            )
        )
    DutyEntry.objects.bulk_create(entries, batch_size=1000)
    return len(entries)
