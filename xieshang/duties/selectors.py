"""Reads of duty records: the rule that applies, a member's entries and totals, an organization's ranking."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from .models import DutyEntry, DutyKind, DutyRule


def rule_for(organization, key: str) -> DutyRule | None:
    """The organization's own rule `key`, else the platform default."""
    org_id = getattr(organization, "pk", organization)
    candidates = DutyRule.objects.filter(Q(organization_id=org_id) | Q(organization__isnull=True), key=key)
    rules = {r.organization_id: r for r in candidates}
    if org_id in rules:
        return rules[org_id]
    return rules.get(None)


def entries_for_member(member, organization=None, year: int | None = None) -> QuerySet[DutyEntry]:
    entries = DutyEntry.objects.filter(member=member)
    if organization is not None:
        entries = entries.filter(organization_id=getattr(organization, "pk", organization))
    if year is not None:
        entries = entries.filter(year=year)
    return entries.order_by("-occurred_on", "-id")


def totals_for_member(member, organization=None, year: int | None = None) -> dict:
    """{"total": points, "count": entries, "by_kind": [(kind label, count, points), ...]}."""
    entries = entries_for_member(member, organization, year).order_by()
    rows = entries.values("kind").annotate(n=Count("id"), points=Sum("points")).order_by("kind")
    by_kind = [(str(DutyKind(r["kind"]).label), r["n"], r["points"]) for r in rows]
    return {
        "total": sum((r[2] for r in by_kind), Decimal(0)),
        "count": sum(r[1] for r in by_kind),
        "by_kind": by_kind,
    }


def years_for_member(member, organization=None) -> list[int]:
    entries = entries_for_member(member, organization).order_by()
    return sorted(set(entries.values_list("year", flat=True)), reverse=True)


def member_ranking(organization, year: int | None = None) -> QuerySet:
    """Members of the organization by total points: rows of member id, name, points, entries."""
    entries = DutyEntry.objects.filter(organization=organization)
    if year is not None:
        entries = entries.filter(year=year)
    return (
        entries.values("member_id", "member__name", "member__username")
        .annotate(points=Sum("points"), entries=Count("id"))
        .order_by("-points", "member__name")
    )
