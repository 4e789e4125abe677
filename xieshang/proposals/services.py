"""Every write on proposals and micro-proposals.

Each service checks the actor's right, validates (ValidationError with field keys, Chinese messages, so forms show
them beside the field), writes inside one transaction with the proposal's row locked, and moves the proposal through
the workflow engine where the state changes. The engine writes the event, the audit row and schedules the
notifications; services write an audit row for their own writes that are not transitions.

Refusals:
- ValidationError: bad input (body too long, missing grade, return without a reason, a second rating …);
- PermissionDenied: the actor may not do this at all;
- xieshang.workflow.exceptions.TransitionError (InvalidEdge, NotAllowed, ConditionFailed, Conflict …): the action is
  not possible in the proposal's current state, with the reason. Nothing is written in any of these cases."""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import date

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.accounts.models import HandlingUnit, MemberProfile, Role, User
from xieshang.accounts.selectors import has_role
from xieshang.audit.services import audit_record
from xieshang.core.uploads import upload_problem
from xieshang.workflow import services as engine
from xieshang.workflow.calendar import add_months, add_working_days, compute_due, next_workday
from xieshang.workflow.exceptions import Conflict, DeadlineError, InvalidEdge, NotAllowed, TransitionError
from xieshang.workflow.selectors import holds_role

from .models import (
    Assignment,
    Attachment,
    Category,
    Comment,
    CoSignature,
    Countersign,
    NotFiledGround,
    Proposal,
    Rating,
    Reply,
)
from .selectors import categories_for, grounds_for, settings_for, workflow_setting
from .workflow_hooks import is_signer, officer_unit_ids, signers, sync_due

__all__ = [
    "TransitionError",
    "assignment_approve",
    "assignment_plan",
    "assignment_propose",
    "assignment_receive",
    "assignment_reject",
    "assignment_return",
    "attachment_add",
    "attachment_remove",
    "bulk_assign",
    "cohandler_opinion",
    "cosign_decline",
    "cosign_invite",
    "cosign_sign",
    "cosign_withdraw",
    "excellent_select",
    "handling_extend",
    "mark_key",
    "micro_accept",
    "proposal_archive",
    "proposal_assign",
    "proposal_classify",
    "proposal_close",
    "proposal_confirm",
    "proposal_create",
    "proposal_number",
    "proposal_review",
    "proposal_submit",
    "proposal_transition",
    "proposal_update",
    "rating_submit",
    "rehandle_contact",
    "reply_approve",
    "reply_countersign",
    "reply_publish",
    "reply_send_back",
    "reply_submit",
    "return_reassign",
    "return_refuse",
    "set_fast_track",
]

MEMBER_ROLES = (Role.MEMBER, Role.STANDING_MEMBER)


# helpers


def _require(actor, perm: str, obj, message: str | None = None) -> None:
    if not rules.has_perm(perm, actor, obj):
        raise PermissionDenied(message or _("您没有执行此操作的权限。"))


def _lock(proposal: Proposal) -> Proposal:
    # No joins under the lock: PostgreSQL re-reads only the locked row after waiting, and joined columns of a row
    # changed meanwhile could come back stale or empty. The engine's lock takes the state and the workflow from its
    # definition cache (current as of the lock) instead of reading them again.
    locked = engine.lock(proposal)
    if locked.state_id is None:
        locked.state = None
    return locked


def _refresh(target: Proposal, source: Proposal) -> Proposal:
    for field in source._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))
    target.state = source.state
    target.workflow = source.workflow
    # Prefetched rows (assignments …) are stale after a write.
    target.__dict__.pop("_prefetched_objects_cache", None)
    target.__dict__.pop("_assignments_cache", None)
    return target


def _in_state(proposal: Proposal, *keys: str) -> None:
    if proposal.state is None or proposal.state.key not in keys:
        name = proposal.state.name if proposal.state_id else _("未进入流程")
        raise InvalidEdge(_("当前状态“%(state)s”下不能执行此操作。") % {"state": name})


def _audit(actor, action: str, obj, **detail) -> None:
    audit_record(actor=actor, action=f"proposal.{action}", obj=obj, detail=detail)


def _move(actor, locked: Proposal, key: str, *, payload=None, reason: str = ""):
    return engine.transition(actor=actor, obj=locked, transition_key=key, payload=payload or {}, reason=reason)


def _move_now(actor, proposal: Proposal, key: str, *, payload=None, reason: str = ""):
    """A transition with no domain writes of its own: the engine locks the row once and updates `proposal`."""
    event = engine.transition(actor=actor, obj=proposal, transition_key=key, payload=payload or {}, reason=reason)
    proposal.__dict__.pop("_prefetched_objects_cache", None)
    proposal.__dict__.pop("_assignments_cache", None)
    return event


def _check_text(errors: dict, field: str, value: str, limit: int, label: str) -> None:
    if not (value or "").strip():
        errors[field] = _("请填写%(label)s。") % {"label": label}
    elif len(value) > limit:
        errors[field] = _("%(label)s不能超过 %(limit)d 字（现为 %(n)d 字）。") % {
            "label": label,
            "limit": limit,
            "n": len(value),
        }


def _validate_content(organization_id, kind: str, title: str, body: str) -> None:
    limits = settings_for(organization_id)
    errors: dict[str, str] = {}
    _check_text(errors, "title", title, limits.title_max_chars, _("案由"))
    body_limit = limits.micro_body_max_chars if kind == Proposal.Kind.MICRO else limits.body_max_chars
    _check_text(errors, "body", body, body_limit, _("正文"))
    if errors:
        raise ValidationError(errors)


def _is_member(user, organization_id) -> bool:
    return any(has_role(user, r, organization_id) for r in MEMBER_ROLES)


# drafting


def proposal_create(
    *,
    actor,
    organization,
    title: str,
    body: str,
    kind: str = Proposal.Kind.PROPOSAL,
    submitter: User | None = None,
    submitter_kind: str = Proposal.SubmitterKind.MEMBER,
    submitter_party: str = "",
    submitter_org_name: str = "",
    committee=None,
    sector=None,
    category: Category | None = None,
    fast_track: bool = False,
    cosigners: Iterable[User] = (),
    cosign_deadline: date | None = None,
    year: int | None = None,
) -> Proposal:
    """A draft proposal led by `submitter` (default: the actor). Proposals staff may enter one on behalf of a member
    (submitter=the member); the draft then remembers who typed it (entered_by). Co-signers are invited at once."""
    org_id = getattr(organization, "pk", organization)
    submitter = submitter or actor
    on_behalf = submitter.pk != actor.pk
    if on_behalf:
        _require(actor, "proposals.enter_on_behalf", organization, _("只有提案委员会工作人员可以代委员录入提案。"))
    else:
        _require(actor, "proposals.add_proposal", organization, _("只有本组织的委员可以提交提案。"))
    errors: dict[str, str] = {}
    if submitter_kind not in Proposal.SubmitterKind.values:
        errors["submitter_kind"] = _("提案者类型无效。")
    if submitter_kind in (Proposal.SubmitterKind.MEMBER, Proposal.SubmitterKind.JOINT) and not _is_member(
        submitter, org_id
    ):
        errors["submitter"] = _("领衔提案人须为本组织的委员。")
    if submitter_kind == Proposal.SubmitterKind.PARTY and not submitter_party:
        errors["submitter_party"] = _("请选择提案的党派。")
    if submitter_kind == Proposal.SubmitterKind.PEOPLES_ORG and not submitter_org_name.strip():
        errors["submitter_org_name"] = _("请填写人民团体名称。")
    if submitter_kind == Proposal.SubmitterKind.COMMITTEE and committee is None:
        errors["committee"] = _("请选择专门委员会。")
    if submitter_kind == Proposal.SubmitterKind.SECTOR and sector is None:
        errors["sector"] = _("请选择界别。")
    cosigners = [u for u in cosigners if u.pk != submitter.pk]
    if kind == Proposal.Kind.MICRO and cosigners:
        errors["cosigners"] = _("微提案不设联名。")
    if category is not None and category.organization_id not in (None, org_id):
        errors["category"] = _("请从列表中选择提案类别。")
    if errors:
        raise ValidationError(errors)
    _validate_content(org_id, kind, title, body)
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
            _invite(actor, proposal, cosigners)
    return proposal


def proposal_update(*, actor, proposal: Proposal, **changes) -> Proposal:
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
        locked = _lock(proposal)
        _require(actor, "proposals.change_proposal", locked, _("只有提案人可以在草稿状态修改提案。"))
        for field, value in changes.items():
            setattr(locked, field, value)
        _validate_content(locked.organization_id, locked.kind, locked.title, locked.body)
        if "cosign_deadline" in changes and locked.cosign_deadline and locked.cosign_deadline < timezone.localdate():
            raise ValidationError({"cosign_deadline": _("联名截止日不能早于今天。")})
        locked.save()
        _audit(actor, "update", locked, fields=sorted(changes))
    return _refresh(proposal, locked)


def proposal_submit(*, actor, proposal: Proposal):
    """Submit the draft (by the lead, or by the staff who entered it). The signing deadline starts now unless set."""
    _validate_content(proposal.organization_id, proposal.kind, proposal.title, proposal.body)
    return _move_now(actor, proposal, "submit")


def attachment_add(*, actor, proposal: Proposal, file) -> Attachment:
    """Attach a file to a draft, within the organization's size, type and count limits."""
    limits = settings_for(proposal.organization_id)
    name = os.path.basename(getattr(file, "name", "") or "")
    problem = upload_problem(file, allowed=sorted(limits.allowed_extensions()), max_mb=limits.attachment_max_mb)
    if problem:
        raise ValidationError({"file": problem})
    size = getattr(file, "size", 0) or 0
    with transaction.atomic():
        locked = _lock(proposal)
        _require(actor, "proposals.change_proposal", locked, _("只有提案人可以在草稿状态添加附件。"))
        if locked.attachments.count() >= limits.attachment_max_count:
            raise ValidationError({"file": _("附件不能超过 %(n)d 个。") % {"n": limits.attachment_max_count}})
        attachment = Attachment.objects.create(
            proposal=locked, file=file, name=name[:200], size=size, uploaded_by=actor
        )
        _audit(actor, "attachment_add", locked, attachment=attachment.pk, name=name)
    return attachment


def attachment_remove(*, actor, attachment: Attachment) -> None:
    with transaction.atomic():
        locked = _lock(attachment.proposal)
        _require(actor, "proposals.change_proposal", locked, _("只有提案人可以在草稿状态删除附件。"))
        _audit(actor, "attachment_remove", locked, attachment=attachment.pk, name=attachment.name)
        attachment.file.delete(save=False)
        attachment.delete()


# co-signing


def _invite(actor, proposal: Proposal, users: Iterable[User]) -> list[CoSignature]:
    errors = []
    invited = []
    for user in users:
        if user.pk == proposal.submitter_id:
            continue
        if not _is_member(user, proposal.organization_id):
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
    _audit(actor, "cosign_invite", proposal, users=[r.user_id for r in invited])
    from xieshang.notifications.services import notify

    people = [r.user for r in invited if r.status == CoSignature.Status.INVITED]
    transaction.on_commit(
        lambda: notify(
            recipients=people,
            kind="proposal.cosign_invite",
            title=_("%(name)s 邀请您联名提案《%(title)s》")
            % {"name": proposal.submitter.display_name, "title": proposal.title},
            body=_("请在 %(date)s 前确认是否联名。") % {"date": proposal.cosign_deadline or _("提案提交后 5 个工作日")},
            url=proposal.get_absolute_url(),
            organization=proposal.organization_id,
        ),
        robust=True,
    )
    return invited


def cosign_invite(*, actor, proposal: Proposal, users: Iterable[User]) -> list[CoSignature]:
    """Invite members to co-sign, while the draft is open or the signing period runs."""
    if proposal.is_micro:
        raise ValidationError({"cosigners": _("微提案不设联名。")})
    with transaction.atomic():
        locked = _lock(proposal)
        _require(actor, "proposals.invite_cosigners", locked, _("只有领衔提案人可以邀请联名。"))
        if locked.cosign_deadline and locked.cosign_deadline < timezone.localdate():
            raise ValidationError({"cosigners": _("联名已于 %(date)s 截止。") % {"date": locked.cosign_deadline}})
        return _invite(actor, locked, users)


def cosign_withdraw(*, actor, proposal: Proposal, user: User) -> CoSignature:
    """The lead withdraws an invitation (or a signature not yet counted, while the proposal is a draft)."""
    with transaction.atomic():
        locked = _lock(proposal)
        _require(actor, "proposals.invite_cosigners", locked, _("只有领衔提案人可以撤回联名邀请。"))
        row = CoSignature.objects.select_for_update().filter(proposal=locked, user=user).first()
        if row is None or row.status == CoSignature.Status.WITHDRAWN:
            raise ValidationError({"user": _("没有可撤回的联名邀请。")})
        if row.status == CoSignature.Status.SIGNED and locked.state.key != "draft":
            raise ValidationError({"user": _("提案已提交，已确认的联名不能撤回。")})
        row.status = CoSignature.Status.WITHDRAWN
        row.counts = False
        row.responded_at = timezone.now()
        row.save(update_fields=["status", "counts", "responded_at"])
        _audit(actor, "cosign_withdraw", locked, user=user.pk)
    return row


def _respond(actor, proposal: Proposal, sign: bool) -> CoSignature:
    with transaction.atomic():
        locked = _lock(proposal)
        row = CoSignature.objects.select_for_update().filter(proposal=locked, user=actor).first()
        if row is None or row.status == CoSignature.Status.WITHDRAWN:
            raise PermissionDenied(_("您没有收到该提案的联名邀请，或邀请已撤回。"))
        if row.status != CoSignature.Status.INVITED:
            raise ValidationError({"cosign": _("您已答复过该联名邀请。")})
        _require(actor, "proposals.cosign_proposal", locked, _("该提案已不在联名阶段。"))
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
        _audit(actor, "cosign_sign" if sign else "cosign_decline", locked)
    _refresh(proposal, locked)
    return row


def cosign_sign(*, actor, proposal: Proposal) -> CoSignature:
    """The invited member co-signs; refused after the signing deadline."""
    return _respond(actor, proposal, True)


def cosign_decline(*, actor, proposal: Proposal) -> CoSignature:
    return _respond(actor, proposal, False)


# review


def proposal_transition(
    *, actor, proposal: Proposal, key: str, payload: dict | None = None, reason: str = "", expected_state=None
):
    """Take any transition through the engine (the API's and simple buttons' path). Domain data the transition
    needs comes in `payload` and is applied by the registered hooks; conditions refuse what is missing."""
    # No transaction of our own around it: the engine's is enough, and a refusal's audit row (written by the engine
    # after its transaction rolled back) must not be rolled back with ours.
    event = engine.transition(
        actor=actor,
        obj=proposal,
        transition_key=key,
        payload=payload or {},
        reason=reason,
        expected_state=expected_state,
    )
    proposal.__dict__.pop("_prefetched_objects_cache", None)
    proposal.__dict__.pop("_assignments_cache", None)
    return event


def proposal_review(
    *,
    actor,
    proposal: Proposal,
    outcome: str,
    reason: str = "",
    ground: NotFiledGround | None = None,
    merge_into: Proposal | None = None,
):
    """The review outcome: filed / merged into another / converted to a suggestion / not filed (with one of the
    organization's grounds and a reason the submitter sees)."""
    reason = (reason or "").strip()
    errors = {}
    key = {
        Proposal.Outcome.FILED: "file",
        Proposal.Outcome.MERGED: "merge",
        Proposal.Outcome.CONVERTED: "convert",
        Proposal.Outcome.NOT_FILED: "not_file",
    }.get(outcome)
    if key is None:
        raise ValidationError({"outcome": _("请选择审查结果。")})
    payload = {}
    if outcome != Proposal.Outcome.FILED and not reason:
        errors["reason"] = _("请填写审查意见，提案人可以看到。")
    if outcome == Proposal.Outcome.NOT_FILED:
        if ground is None or not grounds_for(proposal.organization_id).filter(pk=ground.pk).exists():
            errors["ground"] = _("请从列表中选择不予立案的理由类别。")
        else:
            payload["ground"] = ground.pk
    if outcome == Proposal.Outcome.MERGED:
        if merge_into is None or merge_into.organization_id != proposal.organization_id or merge_into.pk == proposal.pk:
            errors["merge_into"] = _("请选择本组织的另一件提案作为并入对象。")
        else:
            payload["merge_into"] = merge_into.pk
    if errors:
        raise ValidationError(errors)
    if proposal.is_micro and key != "not_file":
        raise InvalidEdge(_("微提案经审查后直接受理交办或不予受理。"))
    return _move_now(actor, proposal, key, payload=payload, reason=reason)


def proposal_classify(*, actor, proposal: Proposal, category: Category):
    if category is None or not categories_for(proposal.organization_id).filter(pk=category.pk).exists():
        raise ValidationError({"category": _("请从列表中选择提案类别。")})
    return _move_now(actor, proposal, "classify", payload={"category": category.pk})


def proposal_number(*, actor, proposal: Proposal):
    """Give the proposal the next number of its organization and year (format from ProposalSettings)."""
    return _move_now(actor, proposal, "number")


def set_fast_track(*, actor, proposal: Proposal, fast_track: bool = True) -> Proposal:
    """Flag a time-sensitive proposal: later steps get the workflow's shorter fast-track deadlines."""
    with transaction.atomic():
        locked = _lock(proposal)
        _require(actor, "proposals.manage_proposal", locked)
        if locked.state is None or locked.state.is_final or locked.state.key in ("draft", "closed"):
            name = locked.state.name if locked.state_id else _("未进入流程")
            raise InvalidEdge(_("提案处于“%(state)s”状态，不能再设置快速办理。") % {"state": name})
        locked.fast_track = fast_track
        locked.save(update_fields=["fast_track"])
        _audit(actor, "fast_track", locked, on=fast_track)
    return _refresh(proposal, locked)


def mark_key(
    *, actor, proposal: Proposal, leader: User | None, supervising_body: str = "", is_key: bool = True
) -> Proposal:
    """Make a filed proposal a key proposal (重点提案) led by a leader with a supervising body, or undo it."""
    errors = {}
    if is_key:
        if leader is None or not has_role(leader, Role.LEADER, proposal.organization_id):
            errors["leader"] = _("请选择一位本组织的领导领衔督办。")
        if not (supervising_body or "").strip():
            errors["supervising_body"] = _("请填写督办单位。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _lock(proposal)
        _require(actor, "proposals.manage_proposal", locked)
        if locked.outcome != Proposal.Outcome.FILED or locked.is_micro:
            raise InvalidEdge(_("只有已立案的提案可以确定为重点提案。"))
        locked.is_key = is_key
        locked.key_leader = leader if is_key else None
        locked.key_supervising_body = supervising_body.strip() if is_key else ""
        locked.save(update_fields=["is_key", "key_leader", "key_supervising_body"])
        _audit(actor, "mark_key", locked, is_key=is_key, leader=getattr(leader, "pk", None))
        if is_key:
            from .duty import credit_key

            credit_key(locked, actor)
        if is_key and leader is not None:
            from xieshang.notifications.services import notify

            transaction.on_commit(
                lambda: notify(
                    recipients=[leader],
                    kind="proposal.key",
                    title=_("请您领衔督办重点提案《%(title)s》") % {"title": locked.title},
                    body=_("督办单位：%(body)s。") % {"body": locked.key_supervising_body},
                    url=locked.get_absolute_url(),
                    organization=locked.organization_id,
                ),
                robust=True,
            )
    return _refresh(proposal, locked)


# assignment


def _units(organization_id, units) -> list[HandlingUnit]:
    found = []
    for unit in units or ():
        if unit is None:
            continue
        if unit.organization_id != organization_id or not unit.is_active:
            raise ValidationError({"units": _("“%(unit)s”不是本组织启用的承办单位。") % {"unit": unit}})
        found.append(unit)
    return found


def assignment_plan(
    *,
    actor,
    proposal: Proposal,
    lead: HandlingUnit | None = None,
    co: Iterable[HandlingUnit] = (),
    split: Iterable[HandlingUnit] = (),
) -> list[Assignment]:
    """Set the units a proposal will be assigned to: one lead unit plus co-handlers, or two or more split units
    (分办, each replies on its own). Replaces an earlier plan; allowed before the assignment is sent."""
    org_id = proposal.organization_id
    co = _units(org_id, co)
    split = _units(org_id, split)
    lead_list = _units(org_id, [lead])
    errors = {}
    if split and (lead_list or co):
        errors["split"] = _("分办与主办、协办不能同时选择。")
    elif split and len(split) < 2:
        errors["split"] = _("分办至少需要两个承办单位。")
    elif not split and not lead_list:
        errors["lead"] = _("请选择主办单位。")
    all_units = lead_list + co + split
    if len({u.pk for u in all_units}) != len(all_units):
        errors["co"] = _("同一承办单位不能重复选择。")
    if proposal.is_micro and (co or split):
        errors["lead"] = _("微提案只交一个承办单位。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _lock(proposal)
        _require(actor, "proposals.assign_proposal", locked, _("只有提案委员会工作人员可以拟定交办方案。"))
        allowed = ("submitted",) if locked.is_micro else ("numbered", "assignment_approved")
        _in_state(locked, *allowed)
        Assignment.objects.filter(proposal=locked, status=Assignment.Status.PLANNED).delete()
        rows = [Assignment(proposal=locked, unit=u, role=Assignment.Role.LEAD) for u in lead_list]
        rows += [Assignment(proposal=locked, unit=u, role=Assignment.Role.CO) for u in co]
        rows += [Assignment(proposal=locked, unit=u, role=Assignment.Role.SPLIT) for u in split]
        Assignment.objects.bulk_create(rows)
        locked.assignment_mode = Proposal.AssignmentMode.SPLIT if split else Proposal.AssignmentMode.LEAD
        locked.save(update_fields=["assignment_mode"])
        _audit(actor, "assignment_plan", locked, units=[u.pk for u in all_units], mode=locked.assignment_mode)
    _refresh(proposal, locked)
    return rows


def assignment_propose(*, actor, proposal: Proposal):
    """Send the assignment plan to the leader for approval."""
    return _move_now(actor, proposal, "propose_assignment")


def assignment_approve(*, actor, proposal: Proposal):
    return _move_now(actor, proposal, "approve_assignment")


def assignment_reject(*, actor, proposal: Proposal, reason: str):
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写退回交办方案的理由。")})
    return _move_now(actor, proposal, "reject_assignment", reason=reason)


def proposal_assign(*, actor, proposal: Proposal):
    """交办: the planned units receive the proposal and have 10 working days to sign for it or return it."""
    return _move_now(actor, proposal, "assign")


def bulk_assign(
    *, actor, plans: Iterable[tuple[Proposal, HandlingUnit, Iterable[HandlingUnit]]], propose: bool = True
) -> list[tuple[Proposal, str | None]]:
    """Plan (and by default send for approval) many proposals at once: [(proposal, lead, co_units), ...].
    Each proposal succeeds or fails on its own; returns [(proposal, None or the reason it was refused)]."""
    results = []
    for proposal, lead, co in plans:
        try:
            with transaction.atomic():
                assignment_plan(actor=actor, proposal=proposal, lead=lead, co=co)
                if propose:
                    assignment_propose(actor=actor, proposal=proposal)
        except (ValidationError, TransitionError, PermissionDenied) as exc:
            message = getattr(exc, "message", None) or "；".join(
                str(m) for m in (exc.messages if hasattr(exc, "messages") else [exc])
            )
            results.append((proposal, str(message)))
        else:
            results.append((proposal, None))
    return results


def micro_accept(*, actor, proposal: Proposal, unit: HandlingUnit):
    """The office's one review of a micro-proposal: accept and hand it to one unit (reply due in 15 working days)."""
    with transaction.atomic():
        assignment_plan(actor=actor, proposal=proposal, lead=unit)
        locked = _lock(proposal)
        event = _move(actor, locked, "accept")
    _refresh(proposal, locked)
    return event


def _own_assignment(actor, assignment: Assignment) -> None:
    if assignment.unit_id not in officer_unit_ids(actor, assignment.proposal.organization_id):
        raise PermissionDenied(_("只有%(unit)s的经办人可以办理此交办。") % {"unit": assignment.unit})


def assignment_receive(*, actor, assignment: Assignment) -> Assignment:
    """签收. When the last assigned unit has signed for it, the proposal moves to handling."""
    with transaction.atomic():
        locked = _lock(assignment.proposal)
        row = Assignment.objects.select_for_update().get(pk=assignment.pk)
        _own_assignment(actor, row)
        _in_state(locked, "assigned")
        if row.status != Assignment.Status.PENDING:
            raise InvalidEdge(_("该交办的状态为“%(status)s”，无需签收。") % {"status": row.get_status_display()})
        row.status = Assignment.Status.RECEIVED
        row.received_at = timezone.now()
        row.received_by = actor
        row.save(update_fields=["status", "received_at", "received_by"])
        _audit(actor, "assignment_receive", locked, assignment=row.pk, unit=row.unit_id)
        if not Assignment.objects.filter(proposal=locked, status=Assignment.Status.PENDING).exists():
            _move(actor, locked, "start_handling")
    _refresh(assignment.proposal, locked)
    return row


def assignment_return(*, actor, assignment: Assignment, reason: str) -> Assignment:
    """退回 with a reason, within the receipt period. The unit never passes the proposal on itself: staff decide."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("退回须填写理由，并可建议更合适的承办单位。")})
    with transaction.atomic():
        locked = _lock(assignment.proposal)
        row = Assignment.objects.select_for_update().get(pk=assignment.pk)
        _own_assignment(actor, row)
        micro = locked.is_micro
        _in_state(locked, "handling" if micro else "assigned")
        if row.status not in (Assignment.Status.PENDING, Assignment.Status.RECEIVED if micro else "-"):
            raise InvalidEdge(_("该交办的状态为“%(status)s”，不能退回。") % {"status": row.get_status_display()})
        if not micro and row.receipt_due_on and timezone.localdate() > row.receipt_due_on:
            raise ValidationError(
                {"reason": _("已超过 %(date)s 的签收期限，不能再退回。") % {"date": row.receipt_due_on}}
            )
        row.status = Assignment.Status.RETURNED
        row.returned_at = timezone.now()
        row.return_reason = reason
        row.needs_reply = False
        row.save(update_fields=["status", "returned_at", "return_reason", "needs_reply"])
        _move(actor, locked, "unit_return", reason=reason)
    _refresh(assignment.proposal, locked)
    return row


def return_reassign(*, actor, assignment: Assignment, unit: HandlingUnit, reason: str) -> Assignment:
    """Staff accept a return and give the part to another unit (same role)."""
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = _("请填写重新交办的说明。")
    if unit is None or unit.organization_id != assignment.proposal.organization_id or unit.pk == assignment.unit_id:
        errors["unit"] = _("请选择另一个本组织的承办单位。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _lock(assignment.proposal)
        _require(actor, "proposals.assign_proposal", locked)
        row = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if row.status != Assignment.Status.RETURNED:
            raise InvalidEdge(_("该交办未被退回。"))
        if Assignment.objects.filter(proposal=locked, unit=unit).exclude(status__in=["returned", "replaced"]).exists():
            raise ValidationError({"unit": _("该单位已在承办本提案。")})
        row.status = Assignment.Status.REPLACED
        row.save(update_fields=["status"])
        today = timezone.localdate()
        new = Assignment.objects.create(
            proposal=locked,
            unit=unit,
            role=row.role,
            status=Assignment.Status.PENDING,
            assigned_at=timezone.now(),
            receipt_due_on=add_working_days(today, 10),
            needs_reply=row.role != Assignment.Role.CO,
        )
        _move(actor, locked, "reassign", reason=reason, payload={"from_unit": row.unit_id, "to_unit": unit.pk})
        new.receipt_due_on = locked.due_on or new.receipt_due_on
        new.save(update_fields=["receipt_due_on"])
    _refresh(assignment.proposal, locked)
    return new


def return_refuse(*, actor, assignment: Assignment, reason: str) -> Assignment:
    """Staff refuse a return: the same unit must handle it, with a fresh receipt period."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写不同意退回的理由。")})
    with transaction.atomic():
        locked = _lock(assignment.proposal)
        _require(actor, "proposals.assign_proposal", locked)
        row = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if row.status != Assignment.Status.RETURNED:
            raise InvalidEdge(_("该交办未被退回。"))
        row.status = Assignment.Status.PENDING
        row.return_refusals += 1
        row.needs_reply = row.role != Assignment.Role.CO
        row.save(update_fields=["status", "return_refusals", "needs_reply"])
        _move(actor, locked, "refuse_return", reason=reason, payload={"unit": row.unit_id})
        row.receipt_due_on = locked.due_on
        row.save(update_fields=["receipt_due_on"])
    _refresh(assignment.proposal, locked)
    return row


def handling_extend(*, actor, proposal: Proposal, months: int = 1, reason: str):
    """Grant an extension of the handling deadline (1 month by default). domain.md: the reply is due 3 months after
    assignment and extensions reach 6 months at most in all, so a proposal's handling limit counts from the
    assignment (交办), not from the day the last unit signed for it, nor from re-entering handling after the
    supervisor sent a reply back. Other states (rehandling, micro-proposals) keep the engine's rule."""
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = _("延期须填写理由。")
    if not isinstance(months, int) or months < 1:
        errors["months"] = _("延期月数须为正整数。")
    if errors:
        raise ValidationError(errors)
    current = Proposal.objects.select_related("state").get(pk=proposal.pk)
    if not _handling_from_assignment(current):
        # The engine's own rule, its own transaction and its own refusal row.
        event = engine.extend_deadline(actor=actor, obj=proposal, months=months, reason=reason)
        sync_due(proposal)
        return event
    try:
        return _extend_handling(actor, proposal, months, reason)
    except TransitionError as exc:
        # As the engine does for its refusals: a denied/failure row, nothing else (written here, after the
        # transaction rolled back, which would have taken the engine's own row with it).
        audit_record(
            actor=actor,
            action="workflow.deadline",
            obj=proposal,
            result=exc.audit_result,
            detail={"code": exc.code, "message": exc.message},
        )
        raise


def _handling_from_assignment(proposal: Proposal) -> bool:
    """Whether the deadline runs from the assignment (a proposal's handling), not from entering the state."""
    state = proposal.state
    return state is not None and state.key == "handling" and not proposal.is_micro and proposal.assigned_at is not None


def _extend_handling(actor, proposal: Proposal, months: int, reason: str):
    with transaction.atomic():
        locked = _lock(proposal)
        state = locked.state
        if not _handling_from_assignment(locked):
            raise Conflict(
                _("该事项已被他人处理，当前状态为“%(state)s”。请刷新页面后再操作。")
                % {"state": state.name if state else ""}
            )
        if not any(holds_role(actor, role, locked) for role in state.extend_roles or ()):
            raise NotAllowed(_("您没有调整本环节期限的权限。"))
        if locked.due_on is None:
            raise DeadlineError(_("当前环节没有办理期限，无需延期。"))
        assigned_on = timezone.localdate(locked.assigned_at)
        # The due date is "k months after assignment" moved off a day off; extending keeps that anchor.
        k = 0
        while add_months(assigned_on, k + 1) <= locked.due_on:
            k += 1
        new_due = next_workday(add_months(assigned_on, k + months))
        if new_due <= locked.due_on:
            new_due = next_workday(add_months(locked.due_on, months))
        limit = compute_due(assigned_on, state.deadline_max_amount, state.deadline_unit)
        if limit is not None and new_due > limit:
            raise DeadlineError(
                _("延期后的到期日 %(new)s 超过自交办之日（%(assigned)s）起 %(n)d 个月的最长办理期限 %(limit)s。")
                % {
                    "new": new_due.isoformat(),
                    "assigned": assigned_on.isoformat(),
                    "n": state.deadline_max_amount,
                    "limit": limit.isoformat(),
                }
            )
        event = engine.set_due(actor=actor, obj=locked, due_on=new_due, reason=reason, enforce=False)
        Proposal.objects.filter(pk=locked.pk).update(deadline_extensions=F("deadline_extensions") + 1)
        locked.refresh_from_db(fields=["deadline_extensions"])
        sync_due(locked)
    _refresh(proposal, locked)
    return event


# handling and reply


def cohandler_opinion(*, actor, assignment: Assignment, text: str) -> Assignment:
    """A co-handler sends its opinion to the lead unit (not to the member)."""
    if not (text or "").strip():
        raise ValidationError({"text": _("请填写协办意见。")})
    with transaction.atomic():
        locked = _lock(assignment.proposal)
        row = Assignment.objects.select_for_update().get(pk=assignment.pk)
        _own_assignment(actor, row)
        if row.role != Assignment.Role.CO or row.status != Assignment.Status.RECEIVED:
            raise InvalidEdge(_("只有已签收的协办单位可以提交协办意见。"))
        _in_state(locked, "handling", "rehandling")
        row.opinion = text.strip()
        row.opinion_at = timezone.now()
        row.save(update_fields=["opinion", "opinion_at"])
        _audit(actor, "cohandler_opinion", locked, assignment=row.pk)
        from xieshang.notifications.services import notify

        lead_units = {a.unit_id for a in locked.assignments.filter(role="lead", status="received")}
        from .workflow_hooks import _officers

        people = _officers(lead_units, locked.organization_id)
        transaction.on_commit(
            lambda: notify(
                recipients=people,
                kind="proposal.cohandler_opinion",
                title=_("%(unit)s 提交了提案《%(title)s》的协办意见") % {"unit": row.unit, "title": locked.title},
                url=locked.get_absolute_url(),
                organization=locked.organization_id,
            ),
            robust=True,
        )
    return row


def rehandle_contact(*, actor, proposal: Proposal, note: str, assignment: Assignment | None = None) -> Assignment:
    """Record that the unit contacted the member again in rehandling (重办); required before the new reply."""
    if not (note or "").strip():
        raise ValidationError({"note": _("请填写与提案人再次沟通的情况。")})
    with transaction.atomic():
        locked = _lock(proposal)
        _in_state(locked, "rehandling", "handling")
        row = _replying_assignment(actor, locked, assignment)
        row.recontacted_at = timezone.now()
        row.recontact_note = note.strip()
        row.save(update_fields=["recontacted_at", "recontact_note"])
        _audit(actor, "rehandle_contact", locked, assignment=row.pk)
    return row


def _replying_assignment(actor, locked: Proposal, assignment: Assignment | None) -> Assignment:
    mine = officer_unit_ids(actor, locked.organization_id)
    rows = Assignment.objects.select_for_update().filter(
        proposal=locked, status=Assignment.Status.RECEIVED, role__in=[Assignment.Role.LEAD, Assignment.Role.SPLIT]
    )
    if assignment is not None:
        rows = rows.filter(pk=assignment.pk)
    rows = [a for a in rows if a.unit_id in mine]
    if not rows:
        raise PermissionDenied(_("只有主办（或分办）单位的经办人可以答复。"))
    return rows[0]


def reply_submit(
    *,
    actor,
    proposal: Proposal,
    reference_number: str,
    contact_person: str,
    contact_phone: str,
    text: str,
    grade: str,
    assignment: Assignment | None = None,
) -> Reply:
    """The lead (or split) unit's reply: reference number, contact person and phone, text and grade A/B/C.
    With co-handlers it goes to countersigning; without, straight to supervisor review (micro: to the member)."""
    errors = {}
    for field, value, label in (
        ("reference_number", reference_number, _("答复文号")),
        ("contact_person", contact_person, _("联系人")),
        ("contact_phone", contact_phone, _("联系电话")),
        ("text", text, _("答复正文")),
    ):
        if not (value or "").strip():
            errors[field] = _("请填写%(label)s。") % {"label": label}
    if grade not in Reply.Grade.values:
        errors["grade"] = _("请选择答复类别（A、B 或 C）。")
    if contact_phone and not all(c.isdigit() or c in "-+ ()" for c in contact_phone.strip()):
        errors["contact_phone"] = _("联系电话只能包含数字和“-”。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _lock(proposal)
        _in_state(locked, "handling", "rehandling")
        row = _replying_assignment(actor, locked, assignment)
        if not row.needs_reply:
            raise InvalidEdge(_("本单位本轮答复已提交。"))
        if locked.state.key == "rehandling" and row.recontacted_at is None:
            raise ValidationError({"text": _("重办须先与提案人再次沟通，并记录沟通情况。")})
        on_time = locked.due_on is None or timezone.localdate() <= locked.due_on
        Reply.objects.filter(proposal=locked, assignment=row, status=Reply.Status.COUNTERSIGNING).update(
            status=Reply.Status.SUPERSEDED
        )
        reply = Reply.objects.create(
            proposal=locked,
            assignment=row,
            round=locked.reply_round,
            reference_number=reference_number.strip(),
            contact_person=contact_person.strip(),
            contact_phone=contact_phone.strip(),
            text=text.strip(),
            grade=grade,
            submitted_by=actor,
            submitted_at=timezone.now(),
            on_time=on_time,
        )
        row.needs_reply = False
        row.save(update_fields=["needs_reply"])
        _audit(actor, "reply_submit", locked, reply=reply.pk, grade=grade)
        still_owing = Assignment.objects.filter(
            proposal=locked, needs_reply=True, status__in=[Assignment.Status.PENDING, Assignment.Status.RECEIVED]
        ).exists()
        if not still_owing:
            _move(actor, locked, "reply", payload={"grade": grade})
            if (
                not locked.is_micro
                and not Assignment.objects.filter(
                    proposal=locked, role=Assignment.Role.CO, status=Assignment.Status.RECEIVED
                ).exists()
            ):
                _submit_for_review(actor, locked)
    _refresh(proposal, locked)
    return reply


def _submit_for_review(actor, locked: Proposal):
    return _move(actor, locked, "submit_for_review")


def reply_countersign(*, actor, proposal: Proposal, note: str = "", text: str | None = None) -> Countersign:
    """A co-handler countersigns (会签) the lead unit's reply, and may edit its text. When the last co-handler has
    signed, the reply goes to supervisor review."""
    with transaction.atomic():
        locked = _lock(proposal)
        _in_state(locked, "countersigning")
        mine = officer_unit_ids(actor, locked.organization_id)
        assignment = (
            Assignment.objects.filter(
                proposal=locked, role=Assignment.Role.CO, status=Assignment.Status.RECEIVED, unit_id__in=mine
            )
            .select_related("unit")
            .first()
        )
        if assignment is None:
            raise PermissionDenied(_("只有协办单位的经办人可以会签。"))
        reply = Reply.objects.select_for_update(of=("self",)).get(
            proposal=locked,
            round=locked.reply_round,
            status=Reply.Status.COUNTERSIGNING,
            assignment__role=Assignment.Role.LEAD,
        )
        if Countersign.objects.filter(reply=reply, assignment=assignment).exists():
            raise ValidationError({"note": _("本单位已会签。")})
        edited = text is not None and text.strip() and text.strip() != reply.text
        if edited:
            reply.text = text.strip()
            reply.save(update_fields=["text"])
        sign = Countersign.objects.create(
            reply=reply,
            assignment=assignment,
            user=actor,
            note=(note or "").strip(),
            edited=bool(edited),
            signed_at=timezone.now(),
        )
        _audit(actor, "reply_countersign", locked, reply=reply.pk, edited=bool(edited))
        missing = Assignment.objects.filter(
            proposal=locked, role=Assignment.Role.CO, status=Assignment.Status.RECEIVED
        ).exclude(countersigns__reply=reply)
        if not missing.exists():
            _submit_for_review(actor, locked)
    _refresh(proposal, locked)
    return sign


def reply_approve(*, actor, proposal: Proposal, grade: str | None = None, note: str = ""):
    """The supervisor approves the reply (may change its grade); it reaches the member, who rates it."""
    if grade not in (None, "") and grade not in Reply.Grade.values:
        raise ValidationError({"grade": _("请选择答复类别（A、B 或 C）。")})
    return _move_now(actor, proposal, "approve_reply", payload={"grade": grade or ""}, reason=note)


def reply_send_back(*, actor, proposal: Proposal, reason: str):
    if not (reason or "").strip():
        raise ValidationError({"reason": _("退回答复须说明理由。")})
    return _move_now(actor, proposal, "send_back", reason=reason)


# rating, closing


def rating_submit(
    *,
    actor,
    proposal: Proposal,
    satisfaction: str,
    comment: str = "",
    rater: User | None = None,
) -> list[Rating]:
    """A signer rates the reply (every reply of the round, for split proposals). Staff may enter a paper rating for
    a signer (rater=the member). A second rating by the same member is refused. When every signer has rated, the
    proposal moves on by itself: to rehandling if anyone is dissatisfied, else to rated (micro: closed)."""
    rater = rater or actor
    errors = {}
    if satisfaction not in Rating.Satisfaction.values:
        errors["satisfaction"] = _("请选择满意、基本满意或不满意。")
    if satisfaction == Rating.Satisfaction.DISSATISFIED and not (comment or "").strip():
        errors["comment"] = _("选择“不满意”时请说明理由，以便承办单位重办。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _lock(proposal)
        on_paper = rater.pk != actor.pk
        if on_paper:
            _require(actor, "proposals.enter_paper_rating", locked, _("只有提案委员会工作人员可以代录纸质评价。"))
        else:
            _in_state(locked, "replied")
            _require(actor, "proposals.rate_proposal", locked, _("只有领衔提案人和有效联名的委员可以评价。"))
        if not is_signer(rater, locked):
            raise ValidationError({"rater": _("%(name)s 不是本提案的提案人。") % {"name": rater.display_name}})
        replies = list(Reply.objects.filter(proposal=locked, round=locked.reply_round, status=Reply.Status.SENT))
        if Rating.objects.filter(reply__in=replies, rater=rater).exists():
            raise ValidationError(
                {"satisfaction": _("%(name)s 已评价过本次答复，不能重复评价。") % {"name": rater.display_name}}
            )
        ratings = Rating.objects.bulk_create(
            [
                Rating(
                    proposal=locked,
                    reply=r,
                    rater=rater,
                    satisfaction=satisfaction,
                    comment=(comment or "").strip(),
                    entered_by=actor if on_paper else None,
                    created_at=timezone.now(),
                )
                for r in replies
            ]
        )
        _audit(actor, "rate", locked, rater=rater.pk, satisfaction=satisfaction, paper=on_paper)
        expected = {(r.pk, u.pk) for r in replies for u in signers(locked)}
        given = set(Rating.objects.filter(reply__in=replies).values_list("reply_id", "rater_id"))
        if not expected - given:
            dissatisfied = Rating.objects.filter(reply__in=replies, satisfaction=Rating.Satisfaction.DISSATISFIED)
            _move(actor, locked, "rehandle" if dissatisfied.exists() else "finish_rating")
    _refresh(proposal, locked)
    return ratings


def proposal_confirm(*, actor, proposal: Proposal):
    return proposal_transition(actor=actor, proposal=proposal, key="confirm")


def proposal_close(*, actor, proposal: Proposal):
    return proposal_transition(actor=actor, proposal=proposal, key="close")


def proposal_archive(*, actor, proposal: Proposal):
    return proposal_transition(actor=actor, proposal=proposal, key="archive")


def reply_publish(*, actor, reply: Reply) -> Reply:
    """Publish a reply that reached the member (public disclosure; contact data is masked by the public selector)."""
    with transaction.atomic():
        row = Reply.objects.select_for_update().get(pk=reply.pk)
        _require(actor, "proposals.publish_reply", row.proposal)
        if row.status != Reply.Status.SENT:
            raise InvalidEdge(_("只有已送达委员的答复可以公开。"))
        if row.is_published:
            raise ValidationError({"reply": _("该答复已公开。")})
        row.is_published = True
        row.published_at = timezone.now()
        row.save(update_fields=["is_published", "published_at"])
        _audit(actor, "reply_publish", row.proposal, reply=row.pk)
    reply.is_published, reply.published_at = row.is_published, row.published_at
    return row


COMMENT_MAX_CHARS = 1000


def comment_add(*, actor, proposal: Proposal, text: str) -> Comment:
    """A remark on the proposal, while its state allows comments (the workflow's "comment" flag)."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("请填写留言内容。")})
    if len(text) > COMMENT_MAX_CHARS:
        raise ValidationError(
            {"text": _("留言不能超过 %(limit)d 字（现为 %(n)d 字）。") % {"limit": COMMENT_MAX_CHARS, "n": len(text)}}
        )
    with transaction.atomic():
        locked = _lock(proposal)
        _require(actor, "proposals.view_proposal", locked)
        if not rules.has_perm("proposals.comment_proposal", actor, locked):
            # Refused like any action the current state does not allow: with the reason, nothing written.
            raise InvalidEdge(_("当前环节“%(state)s”不能留言。") % {"state": locked.state.name})
        comment = Comment.objects.create(proposal=locked, author=actor, text=text, state_name=locked.state.name)
        _audit(actor, "comment", locked, comment=comment.pk)
    return comment


def excellent_select(*, actor, proposals: Iterable[Proposal], year: int) -> int:
    """Year-end selection of excellent proposals (优秀提案) among the filed proposals of that year."""
    proposals = list(proposals)
    if not proposals:
        raise ValidationError({"proposals": _("请选择至少一件提案。")})
    with transaction.atomic():
        count = 0
        for proposal in proposals:
            locked = _lock(proposal)
            _require(actor, "proposals.select_excellent", locked)
            if locked.outcome != Proposal.Outcome.FILED or locked.year != year:
                raise ValidationError(
                    {
                        "proposals": _("《%(title)s》不是 %(year)d 年度立案的提案。")
                        % {"title": locked.title, "year": year}
                    }
                )
            if not locked.is_excellent:
                locked.is_excellent = True
                locked.excellent_year = year
                locked.save(update_fields=["is_excellent", "excellent_year"])
                _audit(actor, "excellent", locked, year=year)
                from .duty import credit_excellent

                credit_excellent(locked, actor)
                count += 1
                _refresh(proposal, locked)
    return count


def workflow_deadline_days(proposal: Proposal) -> int:
    """The signing period in working days (the workflow's cosign_days setting)."""
    return int(workflow_setting(proposal, "cosign_days", 5))
