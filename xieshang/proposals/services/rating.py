"""Rating (评价) and closing."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.accounts.models import User
from xieshang.core.services import require
from xieshang.workflow.models import WorkflowEvent

from ..models import (
    Proposal,
    Rating,
    Reply,
)
from ..selectors import is_signer, signers
from ._base import (
    audit,
    in_phase,
    lock,
    move,
    refresh,
)
from .review import proposal_transition


def rating_submit(
    *,
    actor: User,
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
        locked = lock(proposal)
        on_paper = rater.pk != actor.pk
        if on_paper:
            require(actor, "proposals.enter_paper_rating", locked, _("只有提案委员会工作人员可以代录纸质评价。"))
        else:
            in_phase(locked, "rating")
            require(actor, "proposals.rate_proposal", locked, _("只有领衔提案人和有效联名的委员可以评价。"))
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
        audit(actor, "rate", locked, rater=rater.pk, satisfaction=satisfaction, paper=on_paper)
        expected = {(r.pk, u.pk) for r in replies for u in signers(locked)}
        given = set(Rating.objects.filter(reply__in=replies).values_list("reply_id", "rater_id"))
        if not expected - given:
            dissatisfied = Rating.objects.filter(reply__in=replies, satisfaction=Rating.Satisfaction.DISSATISFIED)
            move(actor, locked, "rehandle" if dissatisfied.exists() else "finish_rating")
    refresh(proposal, locked)
    return ratings


def proposal_confirm(*, actor: User, proposal: Proposal) -> WorkflowEvent:
    return proposal_transition(actor=actor, proposal=proposal, key="confirm")


def proposal_close(*, actor: User, proposal: Proposal) -> WorkflowEvent:
    return proposal_transition(actor=actor, proposal=proposal, key="close")
