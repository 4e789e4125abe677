"""Reads about organizations, people and roles. Every list is scoped to the organizations the user belongs to."""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.db.models import QuerySet

from xieshang.core import generations
from xieshang.core.landing import Scope

from .models import (
    ADMIN_ROLES,
    STAFF_ROLES,
    Community,
    HandlingUnit,
    MemberProfile,
    Organization,
    Partnership,
    Role,
    RoleGrant,
    User,
)

_CACHE_ATTR = "_xieshang_roles"
_ORGS_ATTR = "_xieshang_organizations"


def organization_id(organization: Organization | int) -> int:
    """The id of an organization given as a row or as its id (services and selectors accept either)."""
    return organization if isinstance(organization, int) else organization.pk


def roles_by_organization(user) -> dict[int, set[str]]:
    """{organization id: {role, ...}} for the user, cached on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return {}
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        _load_grants(user)
        cached = getattr(user, _CACHE_ATTR)
    return cached


# The grants are kept in the shared cache per user, under his generation (advanced by any change of his grants or
# of his account) and the organizations' (advanced when one is edited): a page reads them in the round trip that
# checks those generations, not in a query (wiring in apps.py).
GRANTS_SECONDS = 3600
ORGANIZATIONS_GENERATION = "organizations"


def _load_grants(user, fresh: bool = False) -> None:
    """The user's role grants with their organizations: every signed-in request needs both (the permissions and the
    organization switch), so they are read together, kept on the user object for the request and in the cache
    (`fresh`: read from the table whatever the cache holds)."""
    key = f"grants:{user.pk}"
    if fresh:
        found, stamp = None, ""
    else:
        found, stamp = generations.read_stamped(key, generations.for_user(user.pk), ORGANIZATIONS_GENERATION)
    if found is None:
        roles: defaultdict[int, set[str]] = defaultdict(set)
        organizations: dict[int, Organization] = {}
        for grant in RoleGrant.objects.filter(user=user).select_related("organization"):
            roles[grant.organization_id].add(grant.role)
            organizations[grant.organization_id] = grant.organization
        found = (dict(roles), sorted(organizations.values(), key=lambda o: (o.level, o.code)))
        if stamp:
            generations.keep_stamped(key, found, stamp, GRANTS_SECONDS)
    by_organization, ordered = found  # type: ignore[misc]
    setattr(user, _CACHE_ATTR, by_organization)
    setattr(user, _ORGS_ATTR, ordered)


def user_organizations(user) -> list[Organization]:
    """The organizations the user holds a role in (as organizations_for_user, ordered by level and code), read with
    the roles in one query and kept for the request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    if getattr(user, _ORGS_ATTR, None) is None:
        _load_grants(user)
    return list(getattr(user, _ORGS_ATTR))


def reload_grants(user) -> None:
    """Read the user's grants from the table for this request, not from the cache: where a change made past the
    models' signals (a bulk update) must count at once — every use of an API token (api.tokens.authenticate)."""
    _load_grants(user, fresh=True)


def forget_roles(user) -> None:
    for attr in (_CACHE_ATTR, _ORGS_ATTR):
        if hasattr(user, attr):
            delattr(user, attr)


def user_organization_ids(user) -> set[int]:
    return set(roles_by_organization(user))


def has_role(user, role: str, organization=None) -> bool:
    roles = roles_by_organization(user)
    if organization is None:
        return any(role in held for held in roles.values())
    org_id = organization if isinstance(organization, int) else organization.pk
    return role in roles.get(org_id, ())


def roles_in(user, organization) -> set[str]:
    if organization is None:
        return set()
    org_id = organization if isinstance(organization, int) else organization.pk
    return set(roles_by_organization(user).get(org_id, ()))


def is_staff_person(user) -> bool:
    """Staff in the sense of domain.md (anyone but members and citizens): they need a second factor."""
    return any(held & STAFF_ROLES for held in roles_by_organization(user).values())


def organizations_for_user(user) -> QuerySet[Organization]:
    return Organization.objects.filter(pk__in=user_organization_ids(user)).order_by("level", "code")


def partner_organization_ids(organization) -> set[int]:
    # The members are read through the link table under a subquery: filtering on the many-to-many and reading it in
    # one queryset reuses one join, which returns only the organization itself.
    pacts = Partnership.objects.filter(organizations=organization).values("pk")
    ids = set(
        Partnership.organizations.through.objects.filter(partnership_id__in=pacts).values_list(
            "organization_id", flat=True
        )
    )
    ids.discard(organization.pk)
    return ids


def members_for_user(user, organization) -> QuerySet[MemberProfile]:
    """The member directory of one organization, empty unless the user belongs to it."""
    if organization.pk not in user_organization_ids(user):
        return MemberProfile.objects.none()
    return (
        MemberProfile.objects.filter(organization=organization)
        .select_related("user", "sector")
        .order_by("sector__order", "user__name")
    )


def handling_units_for_user(user, organization) -> QuerySet[HandlingUnit]:
    if organization.pk not in user_organization_ids(user):
        return HandlingUnit.objects.none()
    return HandlingUnit.objects.filter(organization=organization, is_active=True)


def users_with_role(organization, role: str) -> QuerySet[User]:
    return User.objects.filter(
        is_active=True, role_grants__organization=organization, role_grants__role=role
    ).distinct()


def find_user_by_login(identifier: str) -> User | None:
    """Username or phone number, as typed on the login page."""
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    field = "phone" if identifier.isdigit() and len(identifier) == 11 else "username"
    return User.objects.filter(**{field: identifier}).first()


def may_hold_api_tokens(user) -> bool:
    """Personal access tokens (xieshang.api, decision 0035) are for members and staff: an active account holding a
    role other than 群众, and no administrator role (三员: their work is done in the admin, which no token opens)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or user.erased_at is not None:
        return False
    held: set[str] = set().union(*roles_by_organization(user).values())
    return bool(held - {Role.CITIZEN}) and not (held & ADMIN_ROLES)


# ------------------------------------------------------------------------------------------------ the public portal
COMMUNITIES_GENERATION = "communities"


def _portal_tree() -> tuple[list[Organization], dict[int, list[str]]]:
    """The active organizations (by level and code) and each one's districts, kept in the cache until an
    organization or a community changes (accounts/invalidation.py)."""
    key = "portal:organizations"
    found, stamp = generations.read_stamped(key, ORGANIZATIONS_GENERATION, COMMUNITIES_GENERATION)
    if found is None:
        organizations = list(Organization.objects.filter(is_active=True).order_by("level", "code"))
        districts: defaultdict[int, set[str]] = defaultdict(set)
        for org_id, district in (
            Community.objects.exclude(district="").values_list("organization_id", "district").distinct()
        ):
            districts[org_id].add(district)
        found = (organizations, {k: sorted(v) for k, v in districts.items()})
        generations.keep_stamped(key, found, stamp, 3600)
    return found  # type: ignore[return-value]


def portal_scope(request) -> Scope | None:
    """Which organization's portal a visitor sees (`?org=<code>`; else settings.XIESHANG_PORTAL_DEFAULT, else the first
    organization at the top), with the organizations below it rolled up into it."""
    organizations, districts = _portal_tree()
    if not organizations:
        return None
    by_code = {o.code: o for o in organizations}
    roots = [o for o in organizations if o.parent_id is None or o.parent_id not in {p.pk for p in organizations}]
    chosen = (
        by_code.get(request.GET.get("org", ""))
        or by_code.get(settings.XIESHANG_PORTAL_DEFAULT)
        or (roots or organizations)[0]
    )
    children: defaultdict[int, list[Organization]] = defaultdict(list)
    for o in organizations:
        if o.parent_id is not None:
            children[o.parent_id].append(o)
    ids, stack = [], [chosen]
    while stack:
        node = stack.pop()
        ids.append(node.pk)
        stack.extend(children[node.pk])
    return Scope(
        organization=chosen,
        ids=tuple(sorted(ids)),
        organizations=tuple((o.code, o.short_name or o.name) for o in organizations),
        districts=tuple(sorted({d for i in ids for d in districts.get(i, [])})),
    )
