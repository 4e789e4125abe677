"""Publishing and the year's end: archiving, public replies, excellent proposals; comments."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import rules
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.core.names import named
from xieshang.core.services import require
from xieshang.workflow.exceptions import InvalidEdge
from xieshang.workflow.models import WorkflowEvent

from .. import following, search_wiring
from ..models import (
    Comment,
    Proposal,
    Reply,
)
from ._base import (
    audit,
    lock,
    refresh,
)
from .review import proposal_transition

if TYPE_CHECKING:
    from xieshang.accounts.models import User


def proposal_archive(*, actor: User, proposal: Proposal) -> WorkflowEvent:
    return proposal_transition(actor=actor, proposal=proposal, key="archive")


def reply_publish(*, actor: User, reply: Reply) -> Reply:
    """Publish a reply that reached the member (public disclosure; contact data is masked by the public selector)."""
    with transaction.atomic():
        row = Reply.objects.select_for_update().get(pk=reply.pk)
        require(actor, "proposals.publish_reply", row.proposal)
        if row.status != Reply.Status.SENT:
            raise InvalidEdge(_("只有已送达委员的答复可以公开。"))
        if row.is_published:
            raise ValidationError({"reply": _("该答复已公开。")})
        row.is_published = True
        row.published_at = timezone.now()
        row.save(update_fields=["is_published", "published_at"])
        Proposal.objects.filter(pk=row.proposal_id, published_reply_at__isnull=True).update(
            published_reply_at=row.published_at
        )
        audit(actor, "reply_publish", row.proposal, reply=row.pk)
        search_wiring.index_reply(row)
        following.reply_published(row.proposal, row, actor)
    reply.is_published, reply.published_at = row.is_published, row.published_at
    return row


COMMENT_MAX_CHARS = 1000


def comment_add(*, actor: User, proposal: Proposal, text: str) -> Comment:
    """A remark on the proposal, while its state allows comments (the workflow's "comment" flag)."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("请填写留言内容。")})
    if len(text) > COMMENT_MAX_CHARS:
        raise ValidationError(
            {"text": _("留言不能超过 %(limit)d 字（现为 %(n)d 字）。") % {"limit": COMMENT_MAX_CHARS, "n": len(text)}}
        )
    with transaction.atomic():
        locked = lock(proposal)
        require(actor, "proposals.view_proposal", locked)
        if not rules.has_perm("proposals.comment_proposal", actor, locked):
            # Refused like any action the current state does not allow: with the reason, nothing written.
            name = named(locked.state.name) if locked.state is not None else _("未进入流程")
            raise InvalidEdge(_("当前环节“%(state)s”不能留言。") % {"state": name})
        assert locked.state is not None  # the comment permission is granted by the current state's actions
        comment = Comment.objects.create(proposal=locked, author=actor, text=text, state_name=locked.state.name)
        audit(actor, "comment", locked, comment=comment.pk)
    return comment


def excellent_select(*, actor: User, proposals: Iterable[Proposal], year: int) -> int:
    """Year-end selection of excellent proposals (优秀提案) among the filed proposals of that year."""
    proposals = list(proposals)
    if not proposals:
        raise ValidationError({"proposals": _("请选择至少一件提案。")})
    with transaction.atomic():
        count = 0
        for proposal in proposals:
            locked = lock(proposal)
            require(actor, "proposals.select_excellent", locked)
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
                audit(actor, "excellent", locked, year=year)
                search_wiring.index_proposal(locked, with_replies=False)
                from ..duty import credit_excellent

                credit_excellent(locked, actor)
                count += 1
                refresh(proposal, locked)
    return count
