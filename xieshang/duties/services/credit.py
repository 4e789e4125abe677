"""Crediting: every source (proposals, opinion reports, consultations, activities, sessions …) writes a member's
duty entry through `credit` (one act) or `credit_many` (a batch in a few queries). Each entry names the rule version
in force in the act's year and links to its source. Idempotent per (member, rule key, source)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.accounts.models import MemberProfile
from xieshang.audit.services import audit_record
from xieshang.core import generations

from ..models import DutyEntry, DutyRule, DutyTally
from ..selectors import org_generation, pick_version, rule_versions


class Credit(NamedTuple):
    """One act for `credit_many`, as `credit`'s arguments: the member, the rule key, the source (any saved model
    instance), the day of the act (today when None), the source's label and link (str(source) and its
    get_absolute_url() when empty) and a note. The field order is the one the activities' import uses."""

    member: Any
    rule_key: str
    source: Any
    occurred_on: date | None = None
    source_label: str = ""
    source_url: str = ""
    note: str = ""


TALLY_CHUNK = 500


def _tally(entries: Iterable[DutyEntry]) -> None:
    """Add entries just written to their members' yearly tallies (DutyTally), in the writer's transaction. One
    upsert per 500 members (PostgreSQL and SQLite both have INSERT … ON CONFLICT DO UPDATE), which adds to the row
    under concurrent credits instead of overwriting what another credit added."""
    sums: dict[tuple[Any, Any, int], list[Any]] = {}
    for entry in entries:
        row = sums.setdefault((entry.member_id, entry.organization_id, entry.year), [Decimal(0), 0])
        row[0] += entry.points
        row[1] += 1
    for org_id in {org for _member, org, _year in sums}:
        generations.advance(org_generation(org_id))  # the duty pages read the tallies
    table = connection.ops.quote_name(DutyTally._meta.db_table)
    items = list(sums.items())
    for start in range(0, len(items), TALLY_CHUNK):
        chunk = items[start : start + TALLY_CHUNK]
        values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(chunk))
        params = [v for (member, org, year), (points, n) in chunk for v in (member, org, year, points, n)]
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (member_id, organization_id, year, points, entries) VALUES {values} "  # noqa: S608 - placeholders only
                f"ON CONFLICT (member_id, organization_id, year) DO UPDATE SET "
                f"points = {table}.points + excluded.points, entries = {table}.entries + excluded.entries",
                params,
            )


def tallies_rebuild(*, organization: Any) -> int:
    """Recompute the organization's yearly tallies from its entries (after entries were loaded by other means than
    these services, e.g. a benchmark's bulk load); returns the number of tallies."""
    org_id = getattr(organization, "pk", organization)
    rows = (
        DutyEntry.objects.filter(organization_id=org_id)
        .values("member_id", "year")
        .annotate(points=Sum("points"), n=Count("id"))
        .order_by()
    )
    tallies = [
        DutyTally(member_id=r["member_id"], organization_id=org_id, year=r["year"], points=r["points"], entries=r["n"])
        for r in rows
    ]
    with transaction.atomic():
        DutyTally.objects.filter(organization_id=org_id).delete()
        DutyTally.objects.bulk_create(tallies, batch_size=1000)
        generations.advance(org_generation(org_id))
    return len(tallies)


def _unknown_rule(key: str) -> ValidationError:
    return ValidationError(_("未找到履职积分规则“%(key)s”。") % {"key": key})


def _entry(act: Credit, *, org_id: Any, rule: DutyRule, points: Decimal, term: str, ct: ContentType) -> DutyEntry:
    day = act.occurred_on or timezone.localdate()
    get_url = getattr(act.source, "get_absolute_url", None)
    return DutyEntry(
        member=act.member,
        organization_id=org_id,
        term=term,
        year=day.year,
        kind=rule.kind,
        rule_key=act.rule_key,
        rule=rule,
        points=points,
        rule_points=rule.points,
        content_type=ct,
        object_id=act.source.pk,
        source_label=(act.source_label or str(act.source))[:200],
        source_url=(act.source_url or (get_url() if get_url else ""))[:300],
        note=act.note[:200],
        occurred_on=day,
    )


def _capped(rule: DutyRule, used: Decimal) -> Decimal:
    if rule.cap_per_year is None:
        return rule.points
    return max(Decimal(0), min(rule.points, rule.cap_per_year - used))


def credit(
    *,
    member: Any,
    organization: Any,
    rule_key: str,
    source: Any,
    note: str = "",
    occurred_on: date | None = None,
    source_label: str = "",
    source_url: str = "",
    actor: Any = None,
) -> DutyEntry | None:
    """Credit `member` for an act under rule `rule_key` (the version in force in the act's year), traceable to
    `source` (any saved model instance).

    Idempotent: a second credit for the same (member, rule, source) returns the existing entry unchanged. A yearly
    cap reduces the points (possibly to 0) but still records the act. An inactive rule credits nothing (None).
    Runs inside the caller's transaction when there is one, so a refused domain write leaves no credit behind."""
    org_id = getattr(organization, "pk", organization)
    act = Credit(member, rule_key, source, occurred_on or timezone.localdate(), source_label, source_url, note)
    assert act.occurred_on is not None
    rule = pick_version(rule_versions(org_id, [rule_key]).get(rule_key, []), org_id, act.occurred_on.year)
    if rule is None:
        raise _unknown_rule(rule_key)
    if not rule.is_active:
        return None
    ct = ContentType.objects.get_for_model(source, for_concrete_model=True)
    same = {"member": member, "rule_key": rule_key, "content_type": ct, "object_id": source.pk}
    existing = DutyEntry.objects.filter(**same).first()
    if existing is not None:
        return existing
    used = Decimal(0)
    if rule.cap_per_year is not None:
        used = DutyEntry.objects.filter(
            member=member, organization_id=org_id, rule_key=rule_key, year=act.occurred_on.year
        ).aggregate(total=Sum("points"))["total"] or Decimal(0)
    term = MemberProfile.objects.filter(user=member, organization_id=org_id).values_list("term", flat=True).first()
    entry = _entry(act, org_id=org_id, rule=rule, points=_capped(rule, used), term=term or "", ct=ct)
    try:
        with transaction.atomic():
            entry.save()
            _tally([entry])
    except IntegrityError:
        # A concurrent credit for the same act won the race: that entry is the credit.
        return DutyEntry.objects.get(**same)
    audit_record(
        actor=actor,
        action="duties.credit",
        obj=entry,
        organization=org_id,
        detail={"rule": rule_key, "rule_id": rule.pk, "points": str(entry.points), "source": f"{ct.model}:{source.pk}"},
    )
    return entry


duty_credit = credit  # the former name, kept for callers not yet renamed


def _existing(org_id: Any, acts: Sequence[Credit], cts: dict[type, ContentType]) -> dict[tuple[Any, ...], DutyEntry]:
    """The entries already written for any of the acts, by (member id, rule key, content type id, object id)."""
    by_ct: dict[int, set[Any]] = {}
    for act in acts:
        by_ct.setdefault(cts[type(act.source)].pk, set()).add(act.source.pk)
    query = Q()
    for ct_id, ids in by_ct.items():
        query |= Q(content_type_id=ct_id, object_id__in=sorted(ids))
    rows = DutyEntry.objects.filter(query, member_id__in={a.member.pk for a in acts})
    rows = rows.filter(rule_key__in={a.rule_key for a in acts})
    return {(e.member_id, e.rule_key, e.content_type_id, e.object_id): e for e in rows}


def _used(org_id: Any, acts: Sequence[Credit], capped: set[str]) -> dict[tuple[Any, ...], Decimal]:
    """Points already earned this year under each capped rule, by (member id, rule key, year)."""
    if not capped:
        return {}
    years = {(a.occurred_on or timezone.localdate()).year for a in acts}
    rows = (
        DutyEntry.objects.filter(
            organization_id=org_id, rule_key__in=capped, year__in=years, member_id__in={a.member.pk for a in acts}
        )
        .values("member_id", "rule_key", "year")
        .annotate(total=Sum("points"))
    )
    return {(r["member_id"], r["rule_key"], r["year"]): r["total"] or Decimal(0) for r in rows}


def credit_many(*, organization: Any, credits: Iterable[Credit], actor: Any = None) -> list[DutyEntry]:
    """Credit a batch of acts (an Excel import of attendance, a meeting's roll) in a constant number of queries:
    the rules, the entries already written, the capped rules' points so far, the members' terms, one bulk insert
    and one audit row for the batch.

    Returns the entries written, in the order of their acts; an act credited before (also one repeated inside the
    batch) or under an inactive rule writes nothing, as in `credit`. An unknown rule key refuses the whole batch
    (ValidationError) before anything is written. Runs inside the caller's transaction when there is one."""
    org_id = getattr(organization, "pk", organization)
    acts = [a._replace(occurred_on=a.occurred_on or timezone.localdate()) for a in credits]
    if not acts:
        return []
    versions = rule_versions(org_id, {a.rule_key for a in acts})
    rules = [pick_version(versions.get(a.rule_key, []), org_id, a.occurred_on.year) for a in acts]  # type: ignore[union-attr]
    for act, rule in zip(acts, rules, strict=True):
        if rule is None:
            raise _unknown_rule(act.rule_key)
    cts = {m: ContentType.objects.get_for_model(m, for_concrete_model=True) for m in {type(a.source) for a in acts}}
    existing = _existing(org_id, acts, cts)
    used = _used(org_id, acts, {a.rule_key for a, r in zip(acts, rules, strict=True) if r.cap_per_year is not None})  # type: ignore[union-attr]
    terms = dict(
        MemberProfile.objects.filter(organization_id=org_id, user_id__in={a.member.pk for a in acts}).values_list(
            "user_id", "term"
        )
    )
    new: list[DutyEntry] = []
    for act, rule in zip(acts, rules, strict=True):
        assert rule is not None and act.occurred_on is not None
        ct = cts[type(act.source)]
        key = (act.member.pk, act.rule_key, ct.pk, act.source.pk)
        if key in existing or not rule.is_active:
            continue
        cap_key = (act.member.pk, act.rule_key, act.occurred_on.year)
        points = _capped(rule, used.get(cap_key, Decimal(0)))
        used[cap_key] = used.get(cap_key, Decimal(0)) + points
        entry = _entry(act, org_id=org_id, rule=rule, points=points, term=terms.get(act.member.pk, ""), ct=ct)
        existing[key] = entry
        new.append(entry)
    if new:
        _insert(new, org_id, actor)
    return new


def _insert(new: list[DutyEntry], org_id: Any, actor: Any) -> None:
    try:
        with transaction.atomic():
            DutyEntry.objects.bulk_create(new, batch_size=1000)
            _tally(new)
    except IntegrityError:
        # A concurrent credit wrote one of these acts first: write the batch one by one, each idempotent.
        for entry in new:
            entry.pk = None
            with transaction.atomic():
                found = DutyEntry.objects.filter(
                    member_id=entry.member_id,
                    rule_key=entry.rule_key,
                    content_type_id=entry.content_type_id,
                    object_id=entry.object_id,
                ).first()
                if found is None:
                    entry.save()
                    _tally([entry])
                else:
                    entry.pk = found.pk
    by_rule: dict[str, int] = {}
    for entry in new:
        by_rule[entry.rule_key] = by_rule.get(entry.rule_key, 0) + 1
    audit_record(
        actor=actor,
        action="duties.credit_many",
        organization=org_id,
        object_type="duties.dutyentry",
        object_repr=_("批量记入履职记录 %(n)s 条") % {"n": len(new)},
        detail={"written": len(new), "by_rule": by_rule},
    )


class PastAct(NamedTuple):
    """An act from before the platform kept its records, for duty_history_load."""

    member: Any
    rule_key: str
    source: Any  # a saved model instance
    source_label: str
    source_url: str
    note: str
    occurred_on: date


def duty_history_load(*, organization: Any, acts: Iterable[PastAct]) -> int:
    """Write the entries for acts of the past in bulk (records migrated from an older system, the demo's year of
    history), in the order given; returns how many were written.

    Like such records they carry no audit rows, and each earns its rule's full points (no yearly cap is applied: the
    past is taken as it was credited). An act under an inactive rule earns nothing, as in credit."""
    org_id = getattr(organization, "pk", organization)
    terms = dict(MemberProfile.objects.filter(organization_id=org_id).values_list("user_id", "term"))
    acts = list(acts)
    versions = rule_versions(org_id, {a.rule_key for a in acts})
    content_types: dict[type, ContentType] = {}
    entries = []
    for act in acts:
        rule = pick_version(versions.get(act.rule_key, []), org_id, act.occurred_on.year)
        if rule is None:
            raise _unknown_rule(act.rule_key)
        if not rule.is_active:
            continue
        model = type(act.source)
        if model not in content_types:
            content_types[model] = ContentType.objects.get_for_model(model, for_concrete_model=True)
        as_credit = Credit(
            act.member, act.rule_key, act.source, act.occurred_on, act.source_label, act.source_url, act.note
        )
        entry = _entry(
            as_credit,
            org_id=org_id,
            rule=rule,
            points=rule.points,
            term=terms.get(act.member.pk, ""),
            ct=content_types[model],
        )
        entry.source_label, entry.source_url = act.source_label[:200], act.source_url[:300]
        entries.append(entry)
    with transaction.atomic():
        DutyEntry.objects.bulk_create(entries, batch_size=1000)
        _tally(entries)
    return len(entries)
