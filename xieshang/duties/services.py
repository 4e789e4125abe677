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


class Credit(NamedTuple):
    """One act to credit with credit_many, as duty_credit's arguments."""

    member: Any
    rule_key: str
    source: Any  # a saved model instance
    occurred_on: date
    source_label: str = ""
    source_url: str = ""
    note: str = ""


def credit_many(*, organization, credits: Iterable[Credit], actor=None) -> list[DutyEntry]:
    """duty_credit for many acts at once, in a number of queries that does not grow with the acts (an attendance
    sheet of a thousand rows): the same rule lookup, idempotence per (member, rule, source), yearly caps applied in
    the order given, inactive rules crediting nothing. Returns the entries written (not those that existed).

    One audit row records the batch (rule keys and how many were credited), not one per entry."""
    org_id = getattr(organization, "pk", organization)
    credits = list(credits)
    rules: dict = {}
    for key in dict.fromkeys(c.rule_key for c in credits):
        rules[key] = rule_for(org_id, key)
        if rules[key] is None:
            raise ValidationError(_("未找到履职积分规则“%(key)s”。") % {"key": key})
    credits = [c for c in credits if rules[c.rule_key].is_active]
    if not credits:
        return []
    content_types = {
        type(c.source): ContentType.objects.get_for_model(c.source, for_concrete_model=True) for c in credits
    }
    existing: set[tuple[int, str, int, int]] = set()
    for model, content_type in content_types.items():
        ids = {c.source.pk for c in credits if type(c.source) is model}
        existing.update(
            (member_id, key, content_type.pk, object_id)
            for member_id, key, object_id in DutyEntry.objects.filter(
                content_type=content_type, object_id__in=ids, rule_key__in=rules
            ).values_list("member_id", "rule_key", "object_id")
        )
    members = {c.member.pk for c in credits}
    used: dict[tuple[int, str, int], Decimal] = {}
    capped = [key for key, rule in rules.items() if rule.cap_per_year is not None]
    if capped:
        for row in (
            DutyEntry.objects.filter(member_id__in=members, organization_id=org_id, rule_key__in=capped)
            .values("member_id", "rule_key", "year")
            .annotate(total=Sum("points"))
        ):
            used[(row["member_id"], row["rule_key"], row["year"])] = row["total"]
    terms = dict(
        MemberProfile.objects.filter(organization_id=org_id, user_id__in=members).values_list("user_id", "term")
    )
    entries = []
    for c in credits:
        rule, content_type = rules[c.rule_key], content_types[type(c.source)]
        key = (c.member.pk, c.rule_key, content_type.pk, c.source.pk)
        if key in existing:
            continue
        existing.add(key)
        points = rule.points
        if rule.cap_per_year is not None:
            spent = used.get((c.member.pk, c.rule_key, c.occurred_on.year), Decimal(0))
            points = max(Decimal(0), min(points, rule.cap_per_year - spent))
            used[(c.member.pk, c.rule_key, c.occurred_on.year)] = spent + points
        get_url = getattr(c.source, "get_absolute_url", None)
        entries.append(
            DutyEntry(
                member=c.member,
                organization_id=org_id,
                term=terms.get(c.member.pk, ""),
                year=c.occurred_on.year,
                kind=rule.kind,
                rule_key=rule.key,
                points=points,
                rule_points=rule.points,
                content_type=content_type,
                object_id=c.source.pk,
                source_label=(c.source_label or str(c.source))[:200],
                source_url=(c.source_url or (get_url() if get_url else ""))[:300],
                note=c.note[:200],
                occurred_on=c.occurred_on,
            )
        )
    with transaction.atomic():
        # A concurrent credit of the same act is left standing (the unique constraint), as in duty_credit.
        DutyEntry.objects.bulk_create(entries, batch_size=500, ignore_conflicts=True)
        if entries:
            audit_record(
                actor=actor,
                action="duties.credit_many",
                organization=org_id,
                object_type="duties.dutyentry",
                detail={"rules": sorted({e.rule_key for e in entries}), "count": len(entries)},
            )
    return entries
