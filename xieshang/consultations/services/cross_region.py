"""Cross-region consultations (跨区域协商): which host an actor acts for, and who belongs to the hosts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied

from xieshang.accounts.models import Role
from xieshang.accounts.selectors import roles_by_organization

from ..models import Room
from ..visibility import host_ids
from ._base import MEMBER_ROLES, NOT_PERMITTED

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from xieshang.accounts.models import User


def member_org(user: User, consultation: Any) -> int | None:
    roles = roles_by_organization(user)
    for org_id in sorted(host_ids(consultation)):
        if roles.get(org_id, set()) & set(MEMBER_ROLES):
            return org_id
    return None


def inviting_org(actor: User, consultation: Any) -> int:
    roles = roles_by_organization(actor)
    # 提案办理协商 is run by the proposals office too (decision 0031).
    staff = {Role.COMMITTEE_STAFF, Role.PROPOSALS_STAFF} if consultation.kind == "handling" else {Role.COMMITTEE_STAFF}
    for org_id in sorted(host_ids(consultation)):
        if staff & roles.get(org_id, set()):
            return org_id
    raise PermissionDenied(NOT_PERMITTED)


def host_people(consultation: Any) -> set[int]:
    from xieshang.accounts.models import RoleGrant

    return set(RoleGrant.objects.filter(organization_id__in=host_ids(consultation)).values_list("user_id", flat=True))


def media_organization(actor: User, parent: Any) -> int:
    """The organization an article or photo is written under: the room's, or the actor's own host (the lead host
    first) for a co-hosted consultation."""
    if isinstance(parent, Room):
        return parent.organization_id
    roles = roles_by_organization(actor)
    org_ids: list[int] = [parent.organization_id, *sorted(host_ids(parent) - {parent.organization_id})]
    for org_id in org_ids:
        if Role.COMMITTEE_STAFF in roles.get(org_id, ()):
            return org_id
    raise PermissionDenied(NOT_PERMITTED)


def outcome_staff(outcome: Any) -> QuerySet[User]:
    from xieshang.accounts.models import User

    org_ids = host_ids(outcome.consultation) if outcome.consultation_id else {outcome.organization_id}
    return User.objects.filter(
        is_active=True, role_grants__role=Role.COMMITTEE_STAFF, role_grants__organization_id__in=org_ids
    ).distinct()
