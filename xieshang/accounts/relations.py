"""A relation of people to an object, written once and read as a workflow role, a permission and an audience.

A relation ("submitter", "author", "convener", "owner" …) is what a workflow table names as a relational role and
what a django-rules permission tests. A domain writes it once, as a `Relation`:

    SUBMITTER = Relation("submitter", UserField("submitter_id"), label=gettext_lazy("提交人"))
    SIGNER = Relation("signer", test=selectors.is_signer, members=selectors.signers, label=gettext_lazy("提案人"))

and reads it
- in the engine: its roles.py hands it to `workflow.registry.register_relations(model, SUBMITTER, …)`, which
  registers `test(user, obj)` as the relational role's check and `members(obj)` as the people the engine notifies
  and reminds;
- in rules.py: `is_submitter = SUBMITTER.predicate`, the same test as a django-rules predicate (False without an
  object or a signed-in user; `subject` maps the permission's object, say an assignment, to the object the relation
  reads, its proposal);
- in visibility.py, when it is built from audiences (accounts.visibility): `Visibility(*SUBMITTER.audiences, …)`,
  so who may see an object and who holds the role are one description.

A relation built from audiences takes its test and its members from them (the users they name, the active officers
of the units they name) unless `members` is given; a relation whose test needs more than the audiences can say
(prefetched assignments of the current round, signatures that count) gives `test` and `members` as functions."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cached_property
from typing import Any

import rules
from django.db.models import Q

from .models import Role, User
from .visibility import Audience, Readers


class Relation:
    """See the module's docstring."""

    def __init__(
        self,
        name: str,
        *audiences: Audience,
        test: Callable[[Any, Any], bool] | None = None,
        members: Callable[[Any], Iterable[Any]] | None = None,
        label: Any = "",
        subject: Callable[[Any], Any] | None = None,
    ):
        if bool(audiences) == (test is not None):
            raise TypeError("A relation is built from audiences or from a test, not both or neither.")
        self.name, self.audiences, self.label = name, audiences, label
        self._test, self._members, self._subject = test, members, subject

    def subject(self, obj: Any) -> Any:
        """The object the relation reads, for the object a permission is asked about."""
        return self._subject(obj) if self._subject is not None and obj is not None else obj

    def test(self, user: Any, obj: Any) -> bool:
        """Whether the user holds the relation to the object (the engine's relational role check)."""
        obj = self.subject(obj)
        if obj is None:
            return False
        if self._test is not None:
            return bool(self._test(user, obj))
        return any(audience.holds(user, obj) for audience in self.audiences)

    def members(self, obj: Any) -> list[Any]:
        """The people holding the relation to the object (whom the engine notifies and reminds)."""
        obj = self.subject(obj)
        if obj is None:
            return []
        if self._members is not None:
            return list(self._members(obj))
        found = Readers()
        for audience in self.audiences:
            found.merge(audience.readers(obj))
        return _people(found)

    def q(self, user: Any, org_id: int | None = None) -> Q:
        """Rows of the relation's model the user holds the relation to, as one SQL condition (a relation built from
        audiences; their organization-free forms: UserField, UnitField, RelatedUsers, RelatedUnits)."""
        found = Q(pk__in=[])
        for audience in self.audiences:
            q = audience.q(user, org_id)
            if q is not None:
                found |= q
        return found

    def through(self, path: str) -> tuple[Audience, ...]:
        """The relation's audiences read from a related object: `CONVENER.through("topic__room")` gives, for an
        outcome, the convener of its topic's room (field audiences only: UserField, UnitField)."""
        return tuple(audience.through(path) for audience in self.audiences)

    @property
    def has_members(self) -> bool:
        return self._members is not None or bool(self.audiences)

    @cached_property
    def predicate(self) -> rules.Predicate:
        """The relation as a django-rules predicate: `rules.add_perm("app.act", RELATION.predicate & …)`."""

        def check(user: Any, obj: Any = None) -> bool:
            if obj is None or not getattr(user, "is_authenticated", False):
                return False
            return self.test(user, obj)

        return rules.predicate(check, name=self.name)

    def __repr__(self) -> str:
        return f"<Relation {self.name}>"


def _people(found: Readers) -> list[Any]:
    """The users the readers name: the named users, the active officers of the named units, the active holders of
    the named roles in the named organizations ("*": any role there)."""
    people = list(User.objects.filter(pk__in=sorted(u for u in found.user_ids if u))) if found.user_ids else []
    by_grant = Q(pk__in=[])
    if found.unit_ids:
        by_grant |= Q(role_grants__role=Role.UNIT_OFFICER, role_grants__handling_unit_id__in=sorted(found.unit_ids))
    for org_id, role in sorted(found.org_roles):
        role_q = Q() if role == "*" else Q(role_grants__role=role)
        by_grant |= Q(role_grants__organization_id=org_id) & role_q
    if found.unit_ids or found.org_roles:
        others = User.objects.filter(by_grant, is_active=True).exclude(pk__in=[p.pk for p in people])
        people += list(others.distinct())
    return people
