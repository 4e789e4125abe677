"""Reads of duty records: the rule version in force, kinds and requirements, a member's year, the ranking."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, QuerySet, Sum

from ..models import DutyEntry, DutyKind, DutyRequirement, DutyRule, DutySettings


def _org_id(organization: Any) -> Any:
    return getattr(organization, "pk", organization)


# ---------------------------------------------------------------------------------------------------- generation
# The duty pages (ranking, a member's page) are kept in the cache under their organization's generation
# (core.generations): the crediting services advance it with the tallies, duties.wiring when a rule, kind,
# requirement, cut-off, profile, committee, sector or member's name is saved (GLOBAL_GENERATION for the defaults
# every organization reads).
GLOBAL_GENERATION = "duties"
PAGE_SECONDS = 300


def org_generation(organization: Any) -> str:
    return f"duties:{_org_id(organization)}"


def page_generations(organization: Any) -> tuple[str, str]:
    """What a cached duty page of this organization was built from: the platform's duty records and its own."""
    return GLOBAL_GENERATION, org_generation(organization)


# ---------------------------------------------------------------------------------------------------- rules
def pick_version(versions: Iterable[DutyRule], org_id: Any, year: int | None) -> DutyRule | None:
    """Of one key's versions (the organization's and the platform's), the one in force in `year`: the organization's
    latest version from that year or before, else the platform's; before every version, the earliest one (the
    organization's first). `year=None`: the latest."""
    own = sorted((r for r in versions if r.organization_id == org_id), key=lambda r: r.year_from)
    platform = sorted((r for r in versions if r.organization_id is None), key=lambda r: r.year_from)
    for rows in (own, platform):
        in_force = [r for r in rows if year is None or r.year_from <= year]
        if in_force:
            return in_force[-1]
    earliest = own or platform
    return earliest[0] if earliest else None


def rule_versions(organization: Any, keys: Iterable[str] | None = None) -> dict[str, list[DutyRule]]:
    """Every version of the given keys (all keys when None) for the organization and the platform, by key."""
    org_id = _org_id(organization)
    rows = DutyRule.objects.filter(Q(organization_id=org_id) | Q(organization__isnull=True))
    if keys is not None:
        rows = rows.filter(key__in=list(keys))
    found: dict[str, list[DutyRule]] = {}
    for rule in rows:
        found.setdefault(rule.key, []).append(rule)
    return found


def rule_for(organization: Any, key: str, year: int | None = None) -> DutyRule | None:
    """The version of rule `key` in force for the organization in `year` (the latest when `year` is None)."""
    versions = rule_versions(organization, [key]).get(key, [])
    return pick_version(versions, _org_id(organization), year)


def rules_for(organization: Any, year: int | None = None) -> list[DutyRule]:
    """Every rule in force for the organization in `year`, one version per key, by key."""
    org_id = _org_id(organization)
    picked = (pick_version(v, org_id, year) for _, v in sorted(rule_versions(organization).items()))
    return [r for r in picked if r is not None]


def versions_of(organization: Any, key: str) -> list[DutyRule]:
    """The history of one key for the rules page: the organization's and the platform's versions, newest first."""
    rows = rule_versions(organization, [key]).get(key, [])
    return sorted(rows, key=lambda r: (r.year_from, r.organization_id is not None), reverse=True)


# ---------------------------------------------------------------------------------------------------- kinds
def kinds_for(organization: Any) -> dict[str, DutyKind]:
    """The kinds of duty, by key, in their order: the platform's with the organization's rows replacing or adding."""
    org_id = _org_id(organization)
    found: dict[str, DutyKind] = {}
    rows = DutyKind.objects.filter(Q(organization_id=org_id) | Q(organization__isnull=True))
    for kind in sorted(rows, key=lambda k: k.organization_id is not None):
        found[kind.key] = kind
    return dict(sorted(found.items(), key=lambda item: (item[1].order, item[0])))


def kind_label(kinds: dict[str, DutyKind], key: str) -> str:
    kind = kinds.get(key)
    return kind.localized() if kind is not None else key


def requirements_for(organization: Any, *, standing: bool | None = None) -> list[DutyRequirement]:
    """The active requirements: the organization's own when it has any, else the platform's. `standing=False`
    leaves out those for standing members only."""
    org_id = _org_id(organization)
    rows = list(DutyRequirement.objects.filter(Q(organization_id=org_id) | Q(organization__isnull=True)))
    if any(r.organization_id == org_id for r in rows):
        rows = [r for r in rows if r.organization_id == org_id]
    rows = [r for r in rows if r.is_active and (standing is not False or not r.standing_only)]
    return sorted(rows, key=lambda r: (r.order, r.pk))


def settings_for(organization: Any) -> DutySettings:
    return DutySettings.for_organization(organization)


# ---------------------------------------------------------------------------------------------------- a member
def entries_for_member(member: Any, organization: Any = None, year: int | None = None) -> QuerySet[DutyEntry]:
    entries = DutyEntry.objects.filter(member=member)
    if organization is not None:
        entries = entries.filter(organization_id=_org_id(organization))
    if year is not None:
        entries = entries.filter(year=year)
    return entries.order_by("-occurred_on", "-id")


def totals_for_member(member: Any, organization: Any = None, year: int | None = None) -> dict[str, Any]:
    """{"total": points, "count": entries, "by_kind": [(kind key, label, count, points), ...]} in the kinds' order."""
    entries = entries_for_member(member, organization, year).order_by()
    rows = {r["kind"]: r for r in entries.values("kind").annotate(n=Count("id"), points=Sum("points"))}
    kinds = kinds_for(organization) if organization is not None else {}
    order = [k for k in kinds if k in rows] + sorted(k for k in rows if k not in kinds)
    by_kind = [(k, kind_label(kinds, k), rows[k]["n"], rows[k]["points"]) for k in order]
    return {
        "total": sum((r[3] for r in by_kind), Decimal(0)),
        "count": sum(r[2] for r in by_kind),
        "by_kind": by_kind,
    }


def years_for_member(member: Any, organization: Any = None) -> list[int]:
    entries = entries_for_member(member, organization).order_by()
    return sorted(set(entries.values_list("year", flat=True).distinct()), reverse=True)


def entries_for_source(source: Any) -> QuerySet[DutyEntry]:
    ct = ContentType.objects.get_for_model(source, for_concrete_model=True)
    return DutyEntry.objects.filter(content_type=ct, object_id=source.pk).select_related("member")


def member_ranking(organization: Any, year: int | None = None) -> QuerySet[Any, Any]:
    """Members with entries in the organization by total points: rows of member id, name, points, entries (the staff
    ranking with every member, tiers and filters is `selectors.standing.ranking`)."""
    entries = DutyEntry.objects.filter(organization=organization)
    if year is not None:
        entries = entries.filter(year=year)
    return (
        entries.values("member_id", "member__name", "member__username")
        .annotate(points=Sum("points"), entries=Count("id"))
        .order_by("-points", "member__name")
    )
