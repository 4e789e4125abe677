"""Review (审查): any transition through the engine, the review outcome, classification, numbering, fast track and
key proposals."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from xieshang.accounts.models import Role, User
from xieshang.accounts.selectors import has_role
from xieshang.core.names import named
from xieshang.core.services import require
from xieshang.workflow import services as engine
from xieshang.workflow.exceptions import InvalidEdge
from xieshang.workflow.models import WorkflowEvent
from xieshang.workflow.selectors import state_has

from .. import search_wiring
from ..models import (
    Category,
    NotFiledGround,
    Proposal,
)
from ..selectors import categories_for, grounds_for
from ._base import (
    audit,
    forget_related,
    lock,
    move_now,
    refresh,
)


def proposal_transition(
    *,
    actor: User,
    proposal: Proposal,
    key: str,
    payload: dict[str, Any] | None = None,
    reason: str = "",
    expected_state: Any = None,
) -> WorkflowEvent:
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
    forget_related(proposal)
    return event


def proposal_review(
    *,
    actor: User,
    proposal: Proposal,
    outcome: str,
    reason: str = "",
    ground: NotFiledGround | None = None,
    merge_into: Proposal | None = None,
) -> WorkflowEvent:
    """The review outcome: filed / merged into another / converted to a suggestion / not filed (with one of the
    organization's grounds and a reason the submitter sees)."""
    reason = (reason or "").strip()
    errors = {}
    keys: dict[str, str] = {
        Proposal.Outcome.FILED: "file",
        Proposal.Outcome.MERGED: "merge",
        Proposal.Outcome.CONVERTED: "convert",
        Proposal.Outcome.NOT_FILED: "not_file",
    }
    key = keys.get(outcome)
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
    return move_now(actor, proposal, key, payload=payload, reason=reason)


def proposal_classify(*, actor: User, proposal: Proposal, category: Category) -> WorkflowEvent:
    if category is None or not categories_for(proposal.organization_id).filter(pk=category.pk).exists():
        raise ValidationError({"category": _("请从列表中选择提案类别。")})
    return move_now(actor, proposal, "classify", payload={"category": category.pk})


def proposal_number(*, actor: User, proposal: Proposal) -> WorkflowEvent:
    """Give the proposal the next number of its organization and year (format from ProposalSettings)."""
    return move_now(actor, proposal, "number")


def set_fast_track(*, actor: User, proposal: Proposal, fast_track: bool = True) -> Proposal:
    """Flag a time-sensitive proposal: later steps get the workflow's shorter fast-track deadlines."""
    with transaction.atomic():
        locked = lock(proposal)
        require(actor, "proposals.manage_proposal", locked)
        if locked.state is None or locked.state.is_final or state_has(locked, "draft") or state_has(locked, "closed"):
            name = named(locked.state.name) if locked.state is not None else _("未进入流程")
            raise InvalidEdge(_("提案处于“%(state)s”状态，不能再设置快速办理。") % {"state": name})
        locked.fast_track = fast_track
        locked.save(update_fields=["fast_track"])
        audit(actor, "fast_track", locked, on=fast_track)
        search_wiring.index_proposal(locked, with_replies=False)
    return refresh(proposal, locked)


def mark_key(
    *, actor: User, proposal: Proposal, leader: User | None, supervising_body: str = "", is_key: bool = True
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
        locked = lock(proposal)
        require(actor, "proposals.manage_proposal", locked)
        if locked.outcome != Proposal.Outcome.FILED or locked.is_micro:
            raise InvalidEdge(_("只有已立案的提案可以确定为重点提案。"))
        locked.is_key = is_key
        locked.key_leader = leader if is_key else None
        locked.key_supervising_body = supervising_body.strip() if is_key else ""
        locked.save(update_fields=["is_key", "key_leader", "key_supervising_body"])
        audit(actor, "mark_key", locked, is_key=is_key, leader=getattr(leader, "pk", None))
        search_wiring.index_proposal(locked, with_replies=False)
        if is_key:
            from ..duty import credit_key

            credit_key(locked, actor)
        if is_key and leader is not None:
            from xieshang.notifications.services import notify

            transaction.on_commit(
                lambda: notify(
                    recipients=[leader],
                    kind="proposal.key",
                    title=lambda: _("请您领衔督办重点提案《%(title)s》") % {"title": locked.title},
                    body=lambda: _("督办单位：%(body)s。") % {"body": locked.key_supervising_body},
                    url=locked.get_absolute_url(),
                    organization=locked.organization_id,
                ),
                robust=True,
            )
    return refresh(proposal, locked)
