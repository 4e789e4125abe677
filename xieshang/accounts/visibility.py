"""Who may see an object, written once per domain and read three ways.

A domain declares its objects' visibility as a `Visibility` of audiences (each one way of being allowed to see):

    PROPOSAL = Visibility(
        OrgRoles(Role.PROPOSALS_STAFF, Role.SUPERVISOR, Role.LEADER, unless=state_tag("draft")),
        UserField("submitter_id"),
        UserField("entered_by_id"),
        RelatedUsers(CoSignature, "proposal", exclude=Q(status="withdrawn")),
        RelatedUnits(Assignment, "proposal", exclude=Q(status="planned")),
    )

and derives from it
- the list filter: `PROPOSAL.filter(queryset, user, organization)` (one SQL condition, no Python loop);
- the permission: `PROPOSAL.can_view(user, obj)` (a django-rules predicate with `PROPOSAL.predicate`);
- the search readers: `PROPOSAL.readers(obj)` (the viewer_* fields of search.registry.SearchDoc).

Each audience implements the three from one description, so they cannot drift apart; a property test
(tests/accounts/test_visibility.py) checks that they agree for random actors, states and relations, and each domain
runs the same check over its own spec. Objects carry `organization_id`; conditions on the workflow state come from
workflow.selectors.state_tag (the state's phase tags), which gives both forms."""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, reduce
from typing import Any

import rules
from django.db.models import Exists, Model, OuterRef, Q, QuerySet

from .models import Role, RoleGrant
from .selectors import roles_by_organization


def _org_id(organization) -> int | None:
    return getattr(organization, "pk", organization)


@dataclass
class Readers:
    """Search visibility of one object: named users, roles in its organization, units whose officers read it,
    and (organization id, role) pairs of other organizations ("*" for any role there)."""

    user_ids: set[int] = field(default_factory=set)
    roles: set[str] = field(default_factory=set)
    unit_ids: set[int] = field(default_factory=set)
    org_roles: set[tuple[int, str]] = field(default_factory=set)

    def merge(self, other: Readers) -> None:
        self.user_ids |= other.user_ids
        self.roles |= other.roles
        self.unit_ids |= other.unit_ids
        self.org_roles |= other.org_roles

    def as_doc_fields(self) -> dict[str, Any]:
        """Keyword arguments for search.registry.SearchDoc."""
        return {
            "viewer_user_ids": sorted(u for u in self.user_ids if u),
            "viewer_roles": sorted(self.roles),
            "viewer_unit_ids": sorted(self.unit_ids),
            "viewer_org_roles": sorted(self.org_roles),
        }


# conditions on the object (usually its state), in both forms


@dataclass(frozen=True)
class Condition:
    """A condition on the object in both forms: `q()` for SQL, `test(obj)` for one object."""

    q: Callable[[], Q]
    test: Callable[[Any], bool]

    def __invert__(self) -> Condition:
        return Condition(q=lambda: ~self.q(), test=lambda obj: not self.test(obj))


def FieldIs(name: str, value: Any) -> Condition:  # noqa: N802
    return Condition(q=lambda: Q(**{name: value}), test=lambda obj: getattr(obj, name) == value)


# audiences


class Audience:
    """One way of being allowed to see an object. Subclasses give the three forms of the same rule."""

    when: Condition | None = None
    unless: Condition | None = None

    def _guard(self) -> Q:
        # "Every row", not Q(): an empty Q vanishes when OR-ed with another audience's condition (Q() | Q(x) is
        # Q(x)), which would narrow a staff member's list to the rows another audience gives them.
        q = Q(pk__isnull=False)
        if self.when is not None:
            q &= self.when.q()
        if self.unless is not None:
            q &= ~self.unless.q()
        return q

    def _applies(self, obj) -> bool:
        if self.when is not None and not self.when.test(obj):
            return False
        return not (self.unless is not None and self.unless.test(obj))

    def q(self, user, org_id: int | None) -> Q | None:
        """Rows of the organization this audience lets the user see; None for none."""
        raise NotImplementedError

    def holds(self, user, obj) -> bool:
        raise NotImplementedError

    def readers(self, obj) -> Readers:
        raise NotImplementedError

    def through(self, path: str) -> Audience:
        """The same audience read from a related object (`path`: the lookup from the object to it)."""
        raise TypeError(f"{type(self).__name__} is not read through a related object")


class OrgRoles(Audience):
    """Holders of any of the roles in the object's organization."""

    def __init__(self, *roles: str, when: Condition | None = None, unless: Condition | None = None):
        self.roles = frozenset(str(r) for r in roles)
        self.when, self.unless = when, unless

    def q(self, user, org_id):
        if not self.roles & roles_by_organization(user).get(org_id, set()):
            return None
        return self._guard()

    def holds(self, user, obj):
        return bool(self.roles & roles_by_organization(user).get(obj.organization_id, set())) and self._applies(obj)

    def readers(self, obj):
        return Readers(roles=set(self.roles)) if self._applies(obj) else Readers()


def _follow(obj, path: str):
    """The value at a Django lookup path ("topic__room__convener_id"), None where a link on the way is empty."""
    *links, last = path.split("__")
    for link in links:
        obj = getattr(obj, link)
        if obj is None:
            return None
    return getattr(obj, last)


class _FieldAudience(Audience):
    """An audience named by a field of the object, or at the end of a lookup path through its foreign keys."""

    def __init__(self, attname: str, when: Condition | None = None, unless: Condition | None = None):
        self.attname = attname
        self.when, self.unless = when, unless

    def through(self, path):
        if self.when is not None or self.unless is not None:
            raise TypeError("a conditional audience is not read through a related object")
        return type(self)(f"{path}__{self.attname}")


class UserField(_FieldAudience):
    """The user named by a foreign key of the object (submitter_id, entered_by_id …), or at the end of a lookup path
    through its foreign keys ("topic__room__convener_id")."""

    def q(self, user, org_id):
        return Q(**{self.attname: user.pk}) & self._guard()

    def holds(self, user, obj):
        return _follow(obj, self.attname) == user.pk and self._applies(obj)

    def readers(self, obj):
        value = _follow(obj, self.attname)
        return Readers(user_ids={value}) if value and self._applies(obj) else Readers()


class RelatedUsers(Audience):
    """Users named by rows of a related model (co-signers, authors, invitees …), minus the rows `exclude` matches."""

    def __init__(
        self,
        model: type[Model],
        fk: str,
        *,
        user_field: str = "user_id",
        exclude: Q | None = None,
        when: Condition | None = None,
        unless: Condition | None = None,
    ):
        self.model, self.fk, self.user_field, self.exclude = model, fk, user_field, exclude
        self.when, self.unless = when, unless

    def _rows(self, **filters) -> QuerySet:
        rows = self.model._default_manager.filter(**filters)
        return rows.exclude(self.exclude) if self.exclude is not None else rows

    def q(self, user, org_id):
        rows = self._rows(**{self.fk: OuterRef("pk"), self.user_field: user.pk})
        return Q(Exists(rows)) & self._guard()

    def holds(self, user, obj):
        return self._applies(obj) and self._rows(**{self.fk: obj.pk, self.user_field: user.pk}).exists()

    def readers(self, obj):
        if not self._applies(obj):
            return Readers()
        found = set(self._rows(**{self.fk: obj.pk}).values_list(self.user_field, flat=True))
        found.discard(None)
        return Readers(user_ids=found)


def officer_unit_ids(user, org_id: int | None = None) -> set[int]:
    """The handling units the user serves as officer (in one organization, or in any)."""
    if Role.UNIT_OFFICER not in {r for held in roles_by_organization(user).values() for r in held}:
        return set()
    cache_attr = "_xieshang_officer_units"
    cached = getattr(user, cache_attr, None)
    if cached is None:
        cached = list(
            RoleGrant.objects.filter(user=user, role=Role.UNIT_OFFICER, handling_unit__isnull=False).values_list(
                "organization_id", "handling_unit_id"
            )
        )
        setattr(user, cache_attr, cached)
    return {unit for org, unit in cached if org_id is None or org == org_id}


class RelatedUnits(Audience):
    """Officers of the handling units named by rows of a related model (assignments …), minus the rows `exclude`
    matches. A unit's officers are its officers whichever organization granted the role, as in search (a unit
    listed in SearchDoc.viewer_unit_ids is read by its officers wherever they hold roles)."""

    def __init__(
        self,
        model: type[Model],
        fk: str,
        *,
        unit_field: str = "unit_id",
        exclude: Q | None = None,
        when: Condition | None = None,
        unless: Condition | None = None,
    ):
        self.model, self.fk, self.unit_field, self.exclude = model, fk, unit_field, exclude
        self.when, self.unless = when, unless

    def _rows(self, **filters) -> QuerySet:
        rows = self.model._default_manager.filter(**filters)
        return rows.exclude(self.exclude) if self.exclude is not None else rows

    def q(self, user, org_id):
        units = officer_unit_ids(user)
        if not units:
            return None
        rows = self._rows(**{self.fk: OuterRef("pk"), f"{self.unit_field}__in": sorted(units)})
        return Q(Exists(rows)) & self._guard()

    def holds(self, user, obj):
        units = officer_unit_ids(user)
        if not units or not self._applies(obj):
            return False
        return self._rows(**{self.fk: obj.pk, f"{self.unit_field}__in": sorted(units)}).exists()

    def readers(self, obj):
        if not self._applies(obj):
            return Readers()
        return Readers(unit_ids=set(self._rows(**{self.fk: obj.pk}).values_list(self.unit_field, flat=True)))


class UnitField(_FieldAudience):
    """Officers of the handling unit named by a foreign key of the object (an outcome's responsible unit), in
    whichever organization they were granted the role (as RelatedUnits)."""

    def q(self, user, org_id):
        units = officer_unit_ids(user)
        if not units:
            return None
        return Q(**{f"{self.attname}__in": sorted(units)}) & self._guard()

    def holds(self, user, obj):
        value = _follow(obj, self.attname)
        return value is not None and value in officer_unit_ids(user) and self._applies(obj)

    def readers(self, obj):
        value = _follow(obj, self.attname)
        return Readers(unit_ids={value}) if value and self._applies(obj) else Readers()


class Visibility:
    """The audiences of one kind of object; see the module's docstring."""

    def __init__(self, *audiences: Audience):
        self.audiences = audiences

    def condition(self, user, organization) -> Q | None:
        """The OR of the audiences' conditions for this user in this organization; None when none applies."""
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return None
        org_id = _org_id(organization)
        found: Q | None = None
        for audience in self.audiences:
            q = audience.q(user, org_id)
            if q is not None:
                found = q if found is None else found | q
        return found

    def filter(self, queryset: QuerySet, user, organization) -> QuerySet:
        """The rows of `queryset` in `organization` that the user may see.

        When only narrow audiences apply (the user is named on rows, co-signs, serves a unit; no role opens the
        whole organization), their OR would defeat every index ("submitter = me OR entered_by = me OR co-signed by
        me" scanned the whole table): the rows are then the UNION of one index-backed query per audience."""
        org_id = _org_id(organization)
        queryset = queryset.filter(organization_id=org_id)
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return queryset.none()
        parts = [(audience, audience.q(user, org_id)) for audience in self.audiences]
        parts = [(audience, q) for audience, q in parts if q is not None]
        if not parts:
            return queryset.none()
        if len(parts) == 1 or any(isinstance(audience, OrgRoles) for audience, _ in parts):
            return queryset.filter(reduce(operator.or_, (q for _, q in parts)))
        base = queryset.model._default_manager.filter(organization_id=org_id).order_by()
        ids = [base.filter(q).values("pk") for _, q in parts]
        return queryset.filter(pk__in=ids[0].union(*ids[1:], all=True))

    def can_view(self, user, obj) -> bool:
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active or obj is None:
            return False
        return any(audience.holds(user, obj) for audience in self.audiences)

    @cached_property
    def predicate(self) -> rules.Predicate:
        return rules.predicate(self.can_view, name=f"visible_{id(self):x}")

    def readers(self, obj) -> Readers:
        found = Readers()
        for audience in self.audiences:
            found.merge(audience.readers(obj))
        return found

    def reader_fields(self, obj) -> dict[str, Any]:
        return self.readers(obj).as_doc_fields()


def agree(visibility: Visibility, user, obj, queryset: QuerySet) -> tuple[bool, bool, bool]:
    """(list filter, permission, search readers) for one user and object: the three must be equal. Tests use it.

    The third reads the readers as search.services.visibility_condition does for a restricted document: nothing for
    anonymous or inactive users; else the named users, the listed roles held in the object's organization, the
    (organization, role) pairs the user holds ("*": any role there), and the units the user serves as officer."""
    in_list = visibility.filter(queryset, user, obj.organization_id).filter(pk=obj.pk).exists()
    allowed = visibility.can_view(user, obj)
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return in_list, allowed, False
    readers = visibility.readers(obj)
    held_by_org = roles_by_organization(user)
    by_search = (
        user.pk in readers.user_ids
        or bool(readers.roles & held_by_org.get(obj.organization_id, set()))
        or bool(readers.unit_ids & officer_unit_ids(user))
        or any(org in held_by_org and (role == "*" or role in held_by_org[org]) for org, role in readers.org_roles)
    )
    return in_list, allowed, bool(by_search)
