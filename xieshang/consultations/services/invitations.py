"""Invitations and registration: each host invites its own people, who register how they will attend."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.accounts.models import Role
from xieshang.accounts.selectors import organization_id, roles_by_organization
from xieshang.audit.services import audit_record
from xieshang.core.services import require
from xieshang.notifications.services import notify

from .. import search_wiring
from ..models import Consultation, Invitation, Kind
from ._base import NOT_PERMITTED
from .cross_region import inviting_org

if TYPE_CHECKING:
    from xieshang.accounts.models import Organization, User


def invite(
    *,
    actor: User,
    consultation: Consultation,
    users: Any,
    mode: str = Invitation.Mode.PRESENT,
    organization: Organization | int | None = None,
) -> list[Invitation]:
    """Each host invites its own people only: the invitation belongs to the inviting host."""
    require(actor, "consultations.invite", consultation, NOT_PERMITTED)
    org_id = (organization_id(organization) if organization is not None else None) or inviting_org(actor, consultation)
    staff = (
        {Role.COMMITTEE_STAFF, Role.PROPOSALS_STAFF} if consultation.kind == Kind.HANDLING else {Role.COMMITTEE_STAFF}
    )
    if not staff & roles_by_organization(actor).get(org_id, set()):
        raise PermissionDenied(NOT_PERMITTED)
    users = list(users)
    outsiders = [u for u in users if org_id not in roles_by_organization(u)]
    if outsiders:
        raise ValidationError(
            {"users": _("%(names)s 不是本组织人员，请由其所在组织邀请。") % {"names": "、".join(map(str, outsiders))}}
        )
    created: list[Invitation] = []
    with transaction.atomic():
        existing = set(consultation.invitations.values_list("user_id", flat=True))
        for user in users:
            if user.pk in existing:
                continue
            created.append(
                Invitation.objects.create(consultation=consultation, organization_id=org_id, user=user, mode=mode)
            )
        if created:  # the invited read the meeting's materials
            search_wiring.index_materials_of(consultation.pk)
        audit_record(actor=actor, action="consultations.invite", obj=consultation, detail={"count": len(created)})
        notify(
            recipients=[i.user for i in created],
            kind="consultations.invitation",
            title=lambda: _("协商活动邀请：%(title)s") % {"title": consultation.title},
            body=lambda: _("会议日期 %(date)s。请在平台上报名。") % {"date": consultation.planned_date},
            url=consultation.get_absolute_url(),
            organization=org_id,
        )
    return created


def register(*, actor: User, consultation: Consultation, mode: str) -> Invitation:
    require(actor, "consultations.register", consultation, NOT_PERMITTED)
    if mode not in Invitation.Mode.values:
        raise ValidationError({"mode": _("请选择参加方式。")})
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(consultation=consultation, user=actor)
        invitation.mode = mode
        invitation.registered_at = invitation.registered_at or timezone.now()
        invitation.save(update_fields=["mode", "registered_at"])
        audit_record(actor=actor, action="consultations.register", obj=consultation, detail={"mode": mode})
    return invitation
