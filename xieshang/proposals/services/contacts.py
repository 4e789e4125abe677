"""办理协商: the handling unit records its contact with the member before replying; the member confirms or disputes
the record, and a disputed record is flagged to the supervisors."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.accounts.models import Role
from xieshang.accounts.selectors import users_with_role
from xieshang.core import services as core
from xieshang.notifications.services import notify

from ..models import Assignment, HandlingContact, Proposal
from ..selectors import is_signer
from ._base import audit, in_phase, lock
from .replies import _replying_assignment

if TYPE_CHECKING:
    from xieshang.accounts.models import User

AGREED_MAX = 2000


def contact_record(
    *,
    actor: User,
    proposal: Proposal,
    method: str,
    contacted_on: date | None,
    with_whom: str,
    agreed: str,
    assignment: Assignment | None = None,
) -> HandlingContact:
    """The lead (or split) unit's record of how, when and with whom it consulted the member, and what was agreed."""
    errors: dict[str, str] = {}
    if method not in HandlingContact.Method.values:
        errors["method"] = _("请选择沟通方式。")
    if contacted_on is None:
        errors["contacted_on"] = _("请填写沟通日期。")
    elif contacted_on > timezone.localdate():
        errors["contacted_on"] = _("沟通日期不能晚于今天。")
    for field, value, label, limit in (
        ("with_whom", with_whom, _("沟通对象"), 80),
        ("agreed", agreed, _("沟通情况及商定事项"), AGREED_MAX),
    ):
        problem = core.text_error(value, limit, label)
        if problem:
            errors[field] = problem
    if errors or contacted_on is None:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = lock(proposal)
        in_phase(locked, "handling")
        row = _replying_assignment(actor, locked, assignment)
        if row.received_at and contacted_on < timezone.localdate(row.received_at):
            raise ValidationError({"contacted_on": _("沟通日期不能早于签收日期。")})
        contact = HandlingContact.objects.create(
            proposal=locked,
            assignment=row,
            round=locked.reply_round,
            method=method,
            contacted_on=contacted_on,
            with_whom=with_whom.strip(),
            agreed=agreed.strip(),
            recorded_by=actor,
        )
        audit(actor, "contact_record", locked, contact=contact.pk, method=method)
        notify(
            recipients=[locked.submitter],
            kind="proposal.contact",
            title=lambda: _("承办单位记录了与您的办理沟通，请确认：%(title)s") % {"title": locked.title},
            body=lambda: _("%(unit)s 记录：%(agreed)s") % {"unit": row.unit.name, "agreed": contact.agreed[:120]},
            url=locked.get_absolute_url() + "#contacts",
            organization=locked.organization_id,
        )
    return contact


def contact_respond(*, actor: User, contact: HandlingContact, confirm: bool, note: str = "") -> HandlingContact:
    """The member confirms the unit's record, or disputes it with a reason (flagged to the supervisors)."""
    note = (note or "").strip()
    if not confirm and not note:
        raise ValidationError({"note": _("有异议时请说明实际情况。")})
    if len(note) > AGREED_MAX:
        raise ValidationError({"note": _("说明不能超过 %(n)d 字。") % {"n": AGREED_MAX}})
    with transaction.atomic():
        locked = (
            HandlingContact.objects.select_for_update()
            .select_related("proposal", "assignment__unit")
            .get(pk=contact.pk)
        )
        proposal = locked.proposal
        if not is_signer(actor, proposal):
            raise PermissionDenied(_("只有提案人可以确认办理沟通记录。"))
        if locked.response != HandlingContact.Response.PENDING:
            raise ValidationError({"note": _("该沟通记录已确认或已提出异议。")})
        locked.response = HandlingContact.Response.CONFIRMED if confirm else HandlingContact.Response.DISPUTED
        locked.member_note = note
        locked.responded_by = actor
        locked.responded_at = timezone.now()
        locked.save(update_fields=["response", "member_note", "responded_by", "responded_at"])
        audit(actor, "contact_confirm" if confirm else "contact_dispute", proposal, contact=locked.pk)
        if not confirm:
            notify(
                recipients=list(users_with_role(proposal.organization_id, Role.SUPERVISOR)),
                kind="proposal.contact_disputed",
                title=lambda: _("提案人对办理沟通记录有异议：%(title)s") % {"title": proposal.title},
                body=lambda: (
                    _("%(unit)s 的记录被提案人提出异议：%(note)s")
                    % {"unit": locked.assignment.unit.name, "note": note[:120]}
                ),
                url=proposal.get_absolute_url() + "#contacts",
                organization=proposal.organization_id,
            )
    contact.__dict__.update(
        {k: getattr(locked, k) for k in ("response", "member_note", "responded_by_id", "responded_at")}
    )
    return contact
