"""Cross-region consultations (跨区域协商): which host an actor acts for, and who belongs to the hosts."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from xieshang.accounts.models import Role
from xieshang.accounts.selectors import roles_by_organization

from ..models import Room
from ..visibility import host_ids
from ._base import MEMBER_ROLES, NOT_PERMITTED


def member_org(user, consultation) -> int | None:
    roles = roles_by_organization(user)
    for org_id in sorted(host_ids(consultation)):
        if roles.get(org_id, set()) & set(MEMBER_ROLES):
            return org_id
    return None


def inviting_org(actor, consultation) -> int:
    roles = roles_by_organization(actor)
    for org_id in sorted(host_ids(consultation)):
        if Role.COMMITTEE_STAFF in roles.get(org_id, ()):
            return org_id
    raise PermissionDenied(NOT_PERMITTED)


def host_people(consultation) -> set[int]:
    from xieshang.accounts.models import RoleGrant

    return set(RoleGrant.objects.filter(organization_id__in=host_ids(consultation)).values_list("user_id", flat=True))


def media_organization(actor, parent) -> int:
    """The organization an article or photo is written under: the room's, or the actor's own host (the lead host
    first) for a co-hosted consultation."""
    if isinstance(parent, Room):
        return parent.organization_id
    roles = roles_by_organization(actor)
    for org_id in [parent.organization_id, *sorted(host_ids(parent) - {parent.organization_id})]:
        if Role.COMMITTEE_STAFF in roles.get(org_id, ()):
            return org_id
    raise PermissionDenied(NOT_PERMITTED)


def outcome_staff(outcome):
    from xieshang.accounts.models import User

    org_ids = host_ids(outcome.consultation) if outcome.consultation_id else {outcome.organization_id}
    return User.objects.filter(
        is_active=True, role_grants__role=Role.COMMITTEE_STAFF, role_grants__organization_id__in=org_ids
    ).distinct()
