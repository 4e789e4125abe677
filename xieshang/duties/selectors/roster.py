"""The member directory (委员名录): the organization's members with sector, committees, district, studios and term,
filtered by the same groups as every member picker (accounts.pickers: sector, committee, district, studio, the
standing members) and searched by name as one types. A page reads a fixed number of queries whatever the size."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from xieshang.accounts.models import MemberProfile, Role
from xieshang.accounts.pickers import Group, Pool, group_members, groups_matching
from xieshang.activities.selectors import studio_names_of_members

ROSTER_ROLES = (Role.MEMBER, Role.STANDING_MEMBER)


def roster_pool(organization: Any) -> Pool:
    """The pickers' pool of the organization's members: the roster lists and groups exactly whom they offer."""
    return Pool((int(getattr(organization, "pk", organization)),), ROSTER_ROLES)


def roster_groups(organization: Any) -> list[Group]:
    """Every group a member picker offers for the organization (the roster's group filter)."""
    return groups_matching(roster_pool(organization), "")


def terms(organization: Any) -> list[str]:
    rows = MemberProfile.objects.filter(organization=organization).exclude(term="")
    return sorted(set(rows.values_list("term", flat=True).distinct()))


@dataclass
class RosterRow:
    user_id: int
    name: str
    phone: str
    sector: str
    district: str
    term: str
    workplace: str
    is_standing: bool
    committees: list[str] = field(default_factory=list)
    studios: list[str] = field(default_factory=list)


def roster(organization: Any, *, query: str = "", group: str = "", term: str = "") -> QuerySet[MemberProfile]:
    """The profiles of the organization's members within the filters, by name. `query` matches the name, the
    sector, the workplace or the district; `group` is a picker's group value ("sector:3", "district:金水区",
    "studio:2", "standing:all" …)."""
    org_id = int(getattr(organization, "pk", organization))
    pool = roster_pool(org_id)
    rows = MemberProfile.objects.filter(organization_id=org_id, user__in=pool.users().values("pk"))
    query = query.strip()
    if query:
        rows = rows.filter(
            Q(user__name__icontains=query)
            | Q(sector__name__icontains=query)
            | Q(workplace__icontains=query)
            | Q(district__icontains=query)
        )
    if group:
        rows = rows.filter(user_id__in=group_members(pool, [group]))
    if term:
        rows = rows.filter(term=term)
    return rows.select_related("user", "sector").order_by("user__name", "user_id")


def roster_rows(organization: Any, profiles: Any) -> list[RosterRow]:
    """Rows for some profiles (one page, or all for the export), with committees and studios in two queries."""
    profiles = list(profiles)
    ids = [p.user_id for p in profiles]
    committees: dict[int, list[str]] = {}
    through = MemberProfile.committees.through
    named = through.objects.filter(memberprofile__in=[p.pk for p in profiles]).order_by("specialcommittee__name")
    for user_id, name in named.values_list("memberprofile__user_id", "specialcommittee__name"):
        committees.setdefault(user_id, []).append(name)
    studios = studio_names_of_members(organization, ids)
    return [
        RosterRow(
            user_id=p.user_id,
            name=p.user.display_name,
            phone=p.user.phone or "",
            sector=p.sector.name if p.sector else "",
            district=p.district,
            term=p.term,
            workplace=p.workplace,
            is_standing=p.is_standing,
            committees=committees.get(p.user_id, []),
            studios=studios.get(p.user_id, []),
        )
        for p in profiles
    ]
