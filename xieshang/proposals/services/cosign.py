"""Co-signing (联名): invitations, withdrawals, answers; the signing period."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.accounts.models import User
from xieshang.core.services import require
from xieshang.workflow.selectors import state_has

from .. import search_wiring
from ..models import (
    CoSignature,
    Proposal,
)
from ..selectors import workflow_setting
from ._base import (
    audit,
    is_member,
    lock,
    refresh,
)


def invite_members(actor: User, proposal: Proposal, users: Iterable[User]) -> list[CoSignature]:
    """Invite members (drafting invites at once; cosign_invite later); re-invites withdrawn or declined rows."""
    errors = []
    invited = []
    for user in users:
        if user.pk == proposal.submitter_id:
            continue
        if not is_member(user, proposal.organization_id):
            errors.append(_("%(name)s 不是本组织的委员，不能联名。") % {"name": user.display_name})
            continue
        row, created = CoSignature.objects.get_or_create(
            proposal=proposal, user=user, defaults={"invited_by": actor, "invited_at": timezone.now()}
        )
        if not created and row.status in (CoSignature.Status.WITHDRAWN, CoSignature.Status.DECLINED):
            row.status = CoSignature.Status.INVITED
            row.invited_at = timezone.now()
            row.responded_at = None
            row.save(update_fields=["status", "invited_at", "responded_at"])
        invited.append(row)
    if errors:
        raise ValidationError({"cosigners": errors})
    audit(actor, "cosign_invite", proposal, users=[r.user_id for r in invited])
    from xieshang.notifications.services import notify

    people = [r.user for r in invited if r.status == CoSignature.Status.INVITED]
    transaction.on_commit(
        lambda: notify(
            recipients=people,
            kind="proposal.cosign_invite",
            title=lambda: (
                _("%(name)s 邀请您联名提案《%(title)s》")
                % {"name": proposal.submitter.display_name, "title": proposal.title}
            ),
            body=lambda: (
                _("请在 %(date)s 前确认是否联名。") % {"date": proposal.cosign_deadline or _("提案提交后 5 个工作日")}
            ),
            url=proposal.get_absolute_url(),
            organization=proposal.organization_id,
        ),
        robust=True,
    )
    search_wiring.index_proposal(proposal)  # the invited read it
    return invited


def cosign_invite(*, actor: User, proposal: Proposal, users: Iterable[User]) -> list[CoSignature]:
    """Invite members to co-sign, while the draft is open or the signing period runs."""
    if proposal.is_micro:
        raise ValidationError({"cosigners": _("微提案不设联名。")})
    with transaction.atomic():
        locked = lock(proposal)
        require(actor, "proposals.invite_cosigners", locked, _("只有领衔提案人可以邀请联名。"))
        if locked.cosign_deadline and locked.cosign_deadline < timezone.localdate():
            raise ValidationError({"cosigners": _("联名已于 %(date)s 截止。") % {"date": locked.cosign_deadline}})
        return invite_members(actor, locked, users)


def cosign_withdraw(*, actor: User, proposal: Proposal, user: User) -> CoSignature:
    """The lead withdraws an invitation (or a signature not yet counted, while the proposal is a draft)."""
    with transaction.atomic():
        locked = lock(proposal)
        require(actor, "proposals.invite_cosigners", locked, _("只有领衔提案人可以撤回联名邀请。"))
        row = CoSignature.objects.select_for_update().filter(proposal=locked, user=user).first()
        if row is None or row.status == CoSignature.Status.WITHDRAWN:
            raise ValidationError({"user": _("没有可撤回的联名邀请。")})
        if row.status == CoSignature.Status.SIGNED and not state_has(locked, "draft"):
            raise ValidationError({"user": _("提案已提交，已确认的联名不能撤回。")})
        row.status = CoSignature.Status.WITHDRAWN
        row.counts = False
        row.responded_at = timezone.now()
        row.save(update_fields=["status", "counts", "responded_at"])
        audit(actor, "cosign_withdraw", locked, user=user.pk)
        search_wiring.index_proposal(locked)  # the withdrawn no longer read it
    return row


def _respond(actor: User, proposal: Proposal, sign: bool) -> CoSignature:
    with transaction.atomic():
        locked = lock(proposal)
        row = CoSignature.objects.select_for_update().filter(proposal=locked, user=actor).first()
        if row is None or row.status == CoSignature.Status.WITHDRAWN:
            raise PermissionDenied(_("您没有收到该提案的联名邀请，或邀请已撤回。"))
        if row.status != CoSignature.Status.INVITED:
            raise ValidationError({"cosign": _("您已答复过该联名邀请。")})
        require(actor, "proposals.cosign_proposal", locked, _("该提案已不在联名阶段。"))
        today = timezone.localdate()
        if sign and locked.cosign_deadline and today > locked.cosign_deadline:
            raise ValidationError(
                {"cosign": _("联名已于 %(date)s 截止，逾期联名不计入。") % {"date": locked.cosign_deadline}}
            )
        row.status = CoSignature.Status.SIGNED if sign else CoSignature.Status.DECLINED
        row.counts = sign
        row.responded_at = timezone.now()
        row.save(update_fields=["status", "counts", "responded_at"])
        if sign and locked.submitter_kind == Proposal.SubmitterKind.MEMBER:
            locked.submitter_kind = Proposal.SubmitterKind.JOINT
            locked.save(update_fields=["submitter_kind"])
        audit(actor, "cosign_sign" if sign else "cosign_decline", locked)
        search_wiring.index_proposal(locked)
    refresh(proposal, locked)
    return row


def cosign_sign(*, actor: User, proposal: Proposal) -> CoSignature:
    """The invited member co-signs; refused after the signing deadline."""
    return _respond(actor, proposal, True)


def cosign_decline(*, actor: User, proposal: Proposal) -> CoSignature:
    return _respond(actor, proposal, False)


def workflow_deadline_days(proposal: Proposal) -> int:
    """The signing period in working days (the workflow's cosign_days setting)."""
    return int(workflow_setting(proposal, "cosign_days", 5))
