"""Drafting: create, edit and submit a proposal, its attachments."""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.accounts.models import MemberProfile, User
from xieshang.accounts.selectors import organization_id
from xieshang.core.services import require
from xieshang.core.uploads import upload_problem
from xieshang.workflow import services as engine
from xieshang.workflow.models import WorkflowEvent

from .. import search_wiring
from ..models import (
    Attachment,
    Category,
    Proposal,
)
from ..selectors import settings_for
from ._base import (
    audit,
    is_member,
    lock,
    move_now,
    refresh,
    validate_content,
)
from .cosign import invite_members

if TYPE_CHECKING:
    from xieshang.accounts.models import Organization


def _submitter_errors(
    org_id: Any, submitter: Any, submitter_kind: str, party: str, org_name: str, *, committee: Any, sector: Any
) -> dict[str, str]:
    """What the chosen kind of submitter (member, party, people's organization, committee, sector) lacks."""
    kinds = Proposal.SubmitterKind
    errors: dict[str, str] = {}
    if submitter_kind not in kinds.values:
        errors["submitter_kind"] = _("提案者类型无效。")
    if submitter_kind in (kinds.MEMBER, kinds.JOINT) and not is_member(submitter, org_id):
        errors["submitter"] = _("领衔提案人须为本组织的委员。")
    if submitter_kind == kinds.PARTY and not party:
        errors["submitter_party"] = _("请选择提案的党派。")
    if submitter_kind == kinds.PEOPLES_ORG and not org_name.strip():
        errors["submitter_org_name"] = _("请填写人民团体名称。")
    if submitter_kind == kinds.COMMITTEE and committee is None:
        errors["committee"] = _("请选择专门委员会。")
    if submitter_kind == kinds.SECTOR and sector is None:
        errors["sector"] = _("请选择界别。")
    return errors


def proposal_create(
    *,
    actor: User,
    organization: Organization | int,
    title: str,
    body: str,
    kind: str = Proposal.Kind.PROPOSAL,
    submitter: User | None = None,
    submitter_kind: str = Proposal.SubmitterKind.MEMBER,
    submitter_party: str = "",
    submitter_org_name: str = "",
    committee: Any = None,
    sector: Any = None,
    category: Category | None = None,
    fast_track: bool = False,
    cosigners: Iterable[User] = (),
    cosign_deadline: date | None = None,
    year: int | None = None,
) -> Proposal:
    """A draft proposal led by `submitter` (default: the actor). Proposals staff may enter one on behalf of a member
    (submitter=the member); the draft then remembers who typed it (entered_by). Co-signers are invited at once."""
    org_id = organization_id(organization)
    submitter = submitter or actor
    on_behalf = submitter.pk != actor.pk
    if on_behalf:
        require(actor, "proposals.enter_on_behalf", organization, _("只有提案委员会工作人员可以代委员录入提案。"))
    else:
        require(actor, "proposals.add_proposal", organization, _("只有本组织的委员可以提交提案。"))
    errors = _submitter_errors(
        org_id, submitter, submitter_kind, submitter_party, submitter_org_name, committee=committee, sector=sector
    )
    cosigners = [u for u in cosigners if u.pk != submitter.pk]
    if kind == Proposal.Kind.MICRO and cosigners:
        errors["cosigners"] = _("微提案不设联名。")
    if category is not None and category.organization_id not in (None, org_id):
        errors["category"] = _("请从列表中选择提案类别。")
    if errors:
        raise ValidationError(errors)
    validate_content(org_id, kind, title, body)
    if sector is None and submitter_kind in (Proposal.SubmitterKind.MEMBER, Proposal.SubmitterKind.JOINT):
        profile = MemberProfile.objects.filter(user=submitter, organization_id=org_id).only("sector_id").first()
        sector = profile.sector if profile and profile.sector_id else None
    proposal = Proposal(
        organization_id=org_id,
        kind=kind,
        year=year or timezone.localdate().year,
        title=title.strip(),
        body=body,
        submitter=submitter,
        submitter_kind=submitter_kind,
        submitter_party=submitter_party,
        submitter_org_name=submitter_org_name.strip(),
        committee=committee,
        sector=sector,
        category=category,
        fast_track=fast_track,
        entered_by=actor if on_behalf else None,
        cosign_deadline=cosign_deadline,
        created_at=timezone.now(),
    )
    workflow_key = "micro_proposal" if kind == Proposal.Kind.MICRO else "proposal"
    with transaction.atomic():
        engine.start(actor=actor, obj=proposal, workflow_key=workflow_key, organization=org_id)
        if cosigners:
            invite_members(actor, proposal, cosigners)
        search_wiring.index_proposal(proposal, with_replies=False)
    return proposal


def proposal_update(*, actor: User, proposal: Proposal, **changes: Any) -> Proposal:
    """Edit a draft: title, body, category, submitter_kind and its details, cosign_deadline."""
    editable = {
        "title",
        "body",
        "category",
        "submitter_kind",
        "submitter_party",
        "submitter_org_name",
        "committee",
        "sector",
        "cosign_deadline",
    }
    unknown = set(changes) - editable
    if unknown:
        raise ValidationError({f: _("此项不能修改。") for f in unknown})
    with transaction.atomic():
        locked = lock(proposal)
        require(actor, "proposals.change_proposal", locked, _("只有提案人可以在草稿状态修改提案。"))
        for field, value in changes.items():
            setattr(locked, field, value)
        validate_content(locked.organization_id, locked.kind, locked.title, locked.body)
        if "cosign_deadline" in changes and locked.cosign_deadline and locked.cosign_deadline < timezone.localdate():
            raise ValidationError({"cosign_deadline": _("联名截止日不能早于今天。")})
        locked.save()
        audit(actor, "update", locked, fields=sorted(changes))
        search_wiring.index_proposal(locked, with_replies=False)
    return refresh(proposal, locked)


def proposal_submit(*, actor: User, proposal: Proposal) -> WorkflowEvent:
    """Submit the draft (by the lead, or by the staff who entered it). The signing deadline starts now unless set."""
    validate_content(proposal.organization_id, proposal.kind, proposal.title, proposal.body)
    return move_now(actor, proposal, "submit")


def attachment_add(*, actor: User, proposal: Proposal, file: Any) -> Attachment:
    """Attach a file to a draft, within the organization's size, type and count limits."""
    limits = settings_for(proposal.organization_id)
    name = os.path.basename(getattr(file, "name", "") or "")
    problem = upload_problem(file, allowed=sorted(limits.allowed_extensions()), max_mb=limits.attachment_max_mb)
    if problem:
        raise ValidationError({"file": problem})
    size = getattr(file, "size", 0) or 0
    with transaction.atomic():
        locked = lock(proposal)
        require(actor, "proposals.change_proposal", locked, _("只有提案人可以在草稿状态添加附件。"))
        if locked.attachments.count() >= limits.attachment_max_count:
            raise ValidationError({"file": _("附件不能超过 %(n)d 个。") % {"n": limits.attachment_max_count}})
        attachment = Attachment.objects.create(
            proposal=locked, file=file, name=name[:200], size=size, uploaded_by=actor
        )
        audit(actor, "attachment_add", locked, attachment=attachment.pk, name=name)
    return attachment


def attachment_remove(*, actor: User, attachment: Attachment) -> None:
    with transaction.atomic():
        locked = lock(attachment.proposal)
        require(actor, "proposals.change_proposal", locked, _("只有提案人可以在草稿状态删除附件。"))
        audit(actor, "attachment_remove", locked, attachment=attachment.pk, name=attachment.name)
        attachment.file.delete(save=False)
        attachment.delete()
