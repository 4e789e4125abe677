"""A member's standing in a year: attendance rate, what he still owes, his tier; and the staff's ranking of every
member with filters by sector, committee and district. Each read is a fixed number of queries, whatever the number
of members or entries (tests/duties/test_queries.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, FilteredRelation, Q, Sum, Value
from django.db.models.expressions import Window
from django.db.models.functions import Coalesce, Rank
from django.utils.translation import gettext_lazy as _

from xieshang.accounts.models import MemberProfile

from ..models import DutyEntry, DutyKind, DutyRequirement, DutySettings, DutyTally
from .records import kinds_for, requirements_for, settings_for

TIERS = {
    "excellent": _("优秀"),
    "pass": _("合格"),
    "basic": _("基本合格"),
    "fail": _("不合格"),
}


def tier_of(points: Decimal, conf: DutySettings) -> str:
    if points >= conf.excellent_min:
        return "excellent"
    if points >= conf.pass_min:
        return "pass"
    if points >= conf.basic_min:
        return "basic"
    return "fail"


@dataclass
class Standing:
    """What one requirement asks and where the member stands."""

    requirement: DutyRequirement
    value: Decimal | None  # count, points or attendance % (None: no attendance recorded)
    met: bool

    @property
    def label(self) -> str:
        return self.requirement.localized()

    @property
    def owed(self) -> Decimal:
        if self.met or self.value is None:
            return Decimal(0)
        return self.requirement.minimum - self.value


def attendance_rate(by_kind: dict[str, tuple[int, Decimal]], kinds: dict[str, DutyKind]) -> Decimal | None:
    """Present ÷ (present + absent), in %, from the counts by kind; None when no meeting was recorded."""
    present = sum(n for k, (n, _p) in by_kind.items() if k in kinds and kinds[k].attendance == "present")
    absent = sum(n for k, (n, _p) in by_kind.items() if k in kinds and kinds[k].attendance == "absent")
    if present + absent == 0:
        return None
    return (Decimal(100) * present / (present + absent)).quantize(Decimal("0.1"))


def evaluate(
    requirements: list[DutyRequirement],
    by_kind: dict[str, tuple[int, Decimal]],
    kinds: dict[str, DutyKind],
    *,
    standing: bool,
) -> list[Standing]:
    found = []
    for req in requirements:
        if req.standing_only and not standing:
            continue
        wanted = [k for k in by_kind if not req.kinds or k in req.kinds]
        value: Decimal | None
        if req.measure == DutyRequirement.Measure.ATTENDANCE:
            value = attendance_rate(by_kind, kinds)
            met = value is None or value >= req.minimum
        elif req.measure == DutyRequirement.Measure.POINTS:
            value = sum((by_kind[k][1] for k in wanted), Decimal(0))
            met = value >= req.minimum
        else:
            value = Decimal(sum(by_kind[k][0] for k in wanted))
            met = value >= req.minimum
        found.append(Standing(req, value, met))
    return found


def _by_kind(rows: Any) -> dict[str, tuple[int, Decimal]]:
    return {r["kind"]: (r["n"], r["points"] or Decimal(0)) for r in rows}


def member_year(member: Any, organization: Any, year: int, kinds: dict[str, DutyKind] | None = None) -> dict[str, Any]:
    """The member's page: points and counts by kind, attendance rate, requirements with what is owed, tier."""
    org_id = getattr(organization, "pk", organization)
    kinds = kinds if kinds is not None else kinds_for(org_id)
    rows = (
        DutyEntry.objects.filter(member=member, organization_id=org_id, year=year)
        .values("kind")
        .annotate(n=Count("id"), points=Sum("points"))
        .order_by()
    )
    by_kind = _by_kind(rows)
    profile = MemberProfile.objects.filter(user=member, organization_id=org_id).only("is_standing").first()
    is_standing = bool(profile and profile.is_standing)
    total = sum((p for _n, p in by_kind.values()), Decimal(0))
    conf = settings_for(org_id)
    order = [k for k in kinds if k in by_kind] + sorted(k for k in by_kind if k not in kinds)
    return {
        "kinds": [(k, kinds[k].localized() if k in kinds else k, *by_kind[k]) for k in order],
        "total": total,
        "count": sum(n for n, _p in by_kind.values()),
        "attendance_rate": attendance_rate(by_kind, kinds),
        "standings": evaluate(requirements_for(org_id), by_kind, kinds, standing=is_standing),
        "tier": tier_of(total, conf),
        "tier_label": TIERS[tier_of(total, conf)],
        "is_standing": is_standing,
    }


@dataclass
class RankRow:
    member_id: int
    name: str
    sector: str
    committees: list[str]
    district: str
    is_standing: bool
    points: Decimal = Decimal(0)
    entries: int = 0
    rank: int = 0
    tier: str = "fail"
    by_kind: dict[str, tuple[int, Decimal]] = field(default_factory=dict)
    shortfalls: list[Standing] = field(default_factory=list)

    @property
    def tier_label(self) -> str:
        return str(TIERS[self.tier])


def profiles(organization: Any, *, sector: Any = None, committee: Any = None, district: str = "") -> Any:
    """The organization's member profiles within the filters, as plain rows (no model instances: a ranking reads
    a thousand of them)."""
    rows = MemberProfile.objects.filter(organization=organization)
    if sector:
        rows = rows.filter(sector_id=sector)
    if committee:
        rows = rows.filter(committees__id=committee)
    if district:
        rows = rows.filter(district=district)
    return rows.values_list(
        "user_id", "user__name", "user__first_name", "user__last_name", "user__username", "sector__name", "district",
        "is_standing",
    ).order_by("user_id")  # fmt: skip


def _committees(org_id: Any) -> dict[int, list[str]]:
    through = MemberProfile.committees.through
    found: dict[int, list[str]] = {}
    rows = through.objects.filter(memberprofile__organization_id=org_id).order_by("specialcommittee__name")
    for user_id, name in rows.values_list("memberprofile__user_id", "specialcommittee__name"):
        found.setdefault(user_id, []).append(name)
    return found


def ranking(
    organization: Any,
    year: int,
    *,
    sector: Any = None,
    committee: Any = None,
    district: str = "",
    with_kinds: bool = False,
) -> list[RankRow]:
    """Every member of the organization (within the filters) with his points of the year, rank and tier, highest
    first; `with_kinds` also fills each row's counts by kind (for the shortfall list and the exports)."""
    org_id = getattr(organization, "pk", organization)
    committees = _committees(org_id)
    rows = {
        user_id: RankRow(
            member_id=user_id,
            name=name or f"{first} {last}".strip() or username,
            sector=sector_name or "",
            committees=committees.get(user_id, []),
            district=member_district,
            is_standing=is_standing,
        )
        for user_id, name, first, last, username, sector_name, member_district, is_standing in profiles(
            org_id, sector=sector, committee=committee, district=district
        )
    }
    entries = DutyEntry.objects.filter(organization_id=org_id, year=year).order_by()
    if with_kinds:
        for r in entries.values("member_id", "kind").annotate(n=Count("id"), points=Sum("points")):
            row = rows.get(r["member_id"])
            if row is not None:
                row.by_kind[r["kind"]] = (r["n"], r["points"] or Decimal(0))
                row.points += r["points"] or Decimal(0)
                row.entries += r["n"]
    else:
        for total in entries.values("member_id").annotate(n=Count("id"), points=Sum("points")):
            row = rows.get(total["member_id"])
            if row is not None:
                row.points, row.entries = total["points"] or Decimal(0), total["n"]
    conf = settings_for(org_id)
    ranked = sorted(rows.values(), key=lambda r: (-r.points, r.name, r.member_id))
    previous: Decimal | None = None
    for position, row in enumerate(ranked, start=1):
        row.rank = position if row.points != previous else ranked[position - 2].rank
        previous = row.points
        row.tier = tier_of(row.points, conf)
    return ranked


def _tallied(org_id: Any, year: int, **filters: Any) -> Any:
    """The profiles within the filters, each with the member's tally of the year (0 without one)."""
    rows = MemberProfile.objects.filter(organization_id=org_id)
    if filters.get("sector"):
        rows = rows.filter(sector_id=filters["sector"])
    if filters.get("committee"):
        rows = rows.filter(committees__id=filters["committee"])
    if filters.get("district"):
        rows = rows.filter(district=filters["district"])
    tally = FilteredRelation(
        "user__duty_tallies",
        condition=Q(user__duty_tallies__organization_id=org_id, user__duty_tallies__year=year),
    )
    zero = Value(Decimal(0), output_field=DutyTally._meta.get_field("points"))
    return rows.annotate(tally=tally).annotate(
        points=Coalesce(F("tally__points"), zero), entries=Coalesce(F("tally__entries"), Value(0))
    )


def ranking_page(
    organization: Any, year: int, *, page: Any = 1, per_page: int = 50, **filters: Any
) -> tuple[Page[Any], dict[str, int]]:
    """One page of the ranking (ties share a rank) and the number of members in each tier, from the yearly tallies:
    four queries whatever the number of members and entries (the counts, the page, its members' committees, the
    cut-offs), where `ranking` sums every entry of the year. Filters as `ranking`'s."""
    org_id = getattr(organization, "pk", organization)
    conf = settings_for(org_id)
    rows = _tallied(org_id, year, **filters)
    counts = rows.aggregate(
        total=Count("pk"),
        excellent=Count("pk", filter=Q(points__gte=conf.excellent_min)),
        passed=Count("pk", filter=Q(points__gte=conf.pass_min)),
        basic=Count("pk", filter=Q(points__gte=conf.basic_min)),
    )
    tiers = {
        "excellent": counts["excellent"],
        "pass": counts["passed"] - counts["excellent"],
        "basic": counts["basic"] - counts["passed"],
        "fail": counts["total"] - counts["basic"],
    }
    ranked = rows.annotate(rank=Window(Rank(), order_by=F("points").desc())).order_by(
        "-points", "user__name", "user_id"
    )
    paginator = Paginator(ranked, per_page)
    paginator.count = counts["total"]  # known from the tier counts: no second COUNT
    found = paginator.get_page(page)
    values = found.object_list.values_list(  # type: ignore[attr-defined]
        "user_id", "user__name", "user__first_name", "user__last_name", "user__username", "sector__name", "district",
        "is_standing", "points", "entries", "rank",
    )  # fmt: skip
    shown = list(values)
    committees: dict[int, list[str]] = {}
    through = MemberProfile.committees.through
    named = through.objects.filter(
        memberprofile__organization_id=org_id, memberprofile__user_id__in=[r[0] for r in shown]
    ).order_by("specialcommittee__name")
    for user_id, name in named.values_list("memberprofile__user_id", "specialcommittee__name"):
        committees.setdefault(user_id, []).append(name)
    found.object_list = [
        RankRow(
            member_id=user_id,
            name=name or f"{first} {last}".strip() or username,
            sector=sector_name or "",
            committees=committees.get(user_id, []),
            district=member_district,
            is_standing=is_standing,
            points=points,
            entries=entries,
            rank=rank,
            tier=tier_of(points, conf),
        )
        for user_id, name, first, last, username, sector_name, member_district, is_standing, points, entries, rank in shown  # noqa: E501
    ]  # fmt: skip
    return found, tiers


def shortfalls(organization: Any, year: int, **filters: Any) -> list[RankRow]:
    """Members who fell short of at least one requirement in the year, each with the requirements he missed."""
    org_id = getattr(organization, "pk", organization)
    kinds = kinds_for(org_id)
    requirements = requirements_for(org_id)
    short = []
    for row in ranking(org_id, year, with_kinds=True, **filters):
        missed = [s for s in evaluate(requirements, row.by_kind, kinds, standing=row.is_standing) if not s.met]
        if missed:
            row.shortfalls = missed
            short.append(row)
    return short


def districts(organization: Any) -> list[str]:
    rows = MemberProfile.objects.filter(organization=organization).exclude(district="")
    return sorted(set(rows.values_list("district", flat=True).distinct()))
