"""Who may see a consultation and its meeting materials, written once (accounts.visibility) and read three ways: the
list filter (selectors.consultations_for_user), the permission (rules: view_consultation, view_materials) and the
search readers (search_wiring).

A consultation may be co-hosted by partner organizations (跨区域协商): `organization` is the lead host, `hosts` lists
them all, and each host's people see it in their own organization's lists. So its audiences are `Hosts`: holders of
a role in any host, whose search readers are (host, role) pairs of Readers.org_roles, and the list filter of one
organization is the consultations that organization hosts (HostedVisibility), not only those it leads.

An outcome (协商成果) is seen by the people of its consultation's hosts (a room's outcome: of the room's organization),
by its owners and by its room's convener: OUTCOME, read by selectors.outcomes_for_user, "consultations.view_outcome"
and search_wiring.outcome_document.

Rooms and their topics are seen by anyone with a role in the room's organization (search: ORGANIZATION visibility);
they need no spec of their own. The relations the workflows name (host staff, owner, convener) are declared here
once (accounts.relations): roles.py registers them with the engine, rules.py takes their predicates."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy

from xieshang.accounts.models import Role
from xieshang.accounts.relations import Relation
from xieshang.accounts.selectors import roles_by_organization
from xieshang.accounts.visibility import (
    Audience,
    Condition,
    FieldIs,
    Readers,
    RelatedUsers,
    UnitField,
    UserField,
    Visibility,
)
from xieshang.search.registry import ANY_ROLE

from . import origins
from .models import Consultation, Invitation, Kind


def host_ids(consultation) -> set[int]:
    """The lead host and the co-hosts, read once per object."""
    cached = getattr(consultation, "_host_ids", None)
    if cached is None:
        cached = {consultation.organization_id, *consultation.hosts.values_list("id", flat=True)}
        consultation._host_ids = cached
    return cached


class Hosts(Audience):
    """Holders of any of `roles` (of any role when none is named) in any host of the consultation."""

    def __init__(self, *roles: str, when: Condition | None = None, unless: Condition | None = None):
        self.roles = frozenset(str(r) for r in roles)
        self.when, self.unless = when, unless

    def _organizations(self, user) -> set[int]:
        return {org for org, held in roles_by_organization(user).items() if not self.roles or self.roles & held}

    def q(self, user, org_id):
        # The list of one organization holds what it hosts (HostedVisibility.filter), for its own people. Not a bare
        # Q(): OR-ed with another audience's condition, an empty Q drops out instead of meaning "every row".
        if org_id not in self._organizations(user):
            return None
        return Q(pk__isnull=False) & self._guard()

    def _hosts(self, obj) -> set[int]:
        return host_ids(obj)

    def holds(self, user, obj):
        organizations = self._organizations(user)
        return bool(organizations) and bool(self._hosts(obj) & organizations) and self._applies(obj)

    def readers(self, obj):
        if not self._applies(obj):
            return Readers()
        roles = sorted(self.roles) or [ANY_ROLE]
        return Readers(org_roles={(org, role) for org in self._hosts(obj) for role in roles})


class OutcomeHosts(Hosts):
    """Holders of a role in the hosts of an outcome's consultation; for a room's outcome, in its organization."""

    def _hosts(self, obj) -> set[int]:
        return host_ids(obj.consultation) if obj.consultation_id else {obj.organization_id}


class HostedVisibility(Visibility):
    """A Visibility whose list of one organization is what it hosts (as lead or co-host), not only what it leads."""

    def hosted(self, org_id: int) -> Q:
        """The rows the organization hosts."""
        hosted = Consultation.hosts.through.objects.filter(consultation_id=OuterRef("pk"), organization_id=org_id)
        return Q(Exists(hosted))

    def filter(self, queryset: QuerySet, user, organization=None) -> QuerySet:
        """The rows hosted by `organization` (by any of the user's organizations when None) that the user may
        see."""
        if organization is None:
            org_ids = sorted(roles_by_organization(user))
        else:
            org_ids = [getattr(organization, "pk", organization)]
        found: Q | None = None
        for org_id in org_ids:
            condition = self.condition(user, org_id)
            if condition is None:
                continue
            q = self.hosted(org_id) & condition
            found = q if found is None else found | q
        return queryset.none() if found is None else queryset.filter(found)


class OutcomeVisibility(HostedVisibility):
    """Outcomes hosted by an organization: its own (its consultations' and rooms') and those of the consultations it
    co-hosts."""

    def hosted(self, org_id: int) -> Q:
        cohosted = Consultation.hosts.through.objects.filter(
            consultation_id=OuterRef("consultation_id"), organization_id=org_id
        )
        return Q(organization_id=org_id) | Q(Exists(cohosted))


# A consultation: anyone with a role in one of its hosts (its page, its minutes; the portal shows the public ones).
CONSULTATION = HostedVisibility(Hosts())

# Its meeting materials (a Visibility of the consultation): the people invited, and the hosts' committee staff and
# leaders. Never public.
MATERIALS = HostedVisibility(RelatedUsers(Invitation, "consultation"), Hosts(Role.COMMITTEE_STAFF, Role.LEADER))


def room_of(obj):
    """The room of a room, a topic, an outcome of a topic, a report or photo of a room; None for others."""
    if obj.__class__.__name__ == "Room":
        return obj
    room = getattr(obj, "room", None)
    if room is None and obj.__class__.__name__ == "Outcome" and obj.topic_id:
        room = obj.topic.room
    return room


# Relations the workflows name as roles (roles.py registers them; rules.py takes their predicates); the outcome's
# are also audiences of OUTCOME.
# A 提案办理协商 is run by the proposals office's staff as well (decision 0031).
HOST_STAFF = Relation(
    "host_staff",
    Hosts(Role.COMMITTEE_STAFF),
    Hosts(Role.PROPOSALS_STAFF, when=FieldIs("kind", Kind.HANDLING)),
    label=gettext_lazy("主办方专委会工作人员"),
)
OWNER = Relation(
    "owner", UserField("owner_leader_id"), UnitField("owner_unit_id"), label=gettext_lazy("责任单位/责任领导")
)
CONVENER = Relation(
    "convener",
    UserField("convener_id"),
    subject=room_of,
    members=lambda room: [room.convener],
    label=gettext_lazy("召集人"),
)


# The staff of another domain's record whose recommendation or promise this outcome tracks (consultations.origins).
def _origin_staff(user, outcome) -> bool:
    if origins.origin_staff(user, outcome):
        return True
    # A 提案办理协商's recommendations are sent on by those who run it, the proposals office too (decision 0031).
    consultation = outcome.consultation if outcome.consultation_id else None
    return consultation is not None and consultation.kind == Kind.HANDLING and HOST_STAFF.test(user, consultation)


ORIGIN_STAFF = Relation(
    "origin_staff",
    test=_origin_staff,
    label=gettext_lazy("来源事项的工作人员"),
)

# An outcome: anyone with a role in its consultation's hosts (a room's outcome: in its organization), its owners (the
# responsible leader, the responsible unit's officers, in whichever organization) and its room's convener.
OUTCOME = OutcomeVisibility(OutcomeHosts(), *OWNER.audiences, *CONVENER.through("topic__room"))
