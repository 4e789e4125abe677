"""The proposal figures of the annual work report, registered with the statistics face (core.figures).

A proposal counts in the period it was submitted in (drafts never count), as statistics.py has always counted; a
reply in the period it reached the member. The statistics page counts through the same functions."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xieshang.accounts.models import MemberProfile
from xieshang.core import figures
from xieshang.core.figures import BY_EVENT, BY_SUBMISSION, Dimension, Figure

from . import statistics
from .models import Proposal, Reply


def _submitted(kind: str):
    def records(organization_id: int, start: date, end: date) -> QuerySet[Proposal]:
        return statistics.submitted(organization_id, start, end, kind).select_related("category")

    return records


def _filed(kind: str):
    def records(organization_id: int, start: date, end: date) -> QuerySet[Proposal]:
        return _submitted(kind)(organization_id, start, end).filter(outcome=Proposal.Outcome.FILED)

    return records


def key_proposals(organization_id: int, start: date, end: date) -> QuerySet[Proposal]:
    return _filed(Proposal.Kind.PROPOSAL)(organization_id, start, end).filter(is_key=True)


def replied(organization_id: int, start: date, end: date) -> QuerySet[Proposal]:
    """Proposals that had a reply reach the member in the period (each once, whatever the number of units)."""
    sent = (
        Reply.objects.filter(sent_at__date__range=(start, end))
        .exclude(status=Reply.Status.SUPERSEDED)
        .values("proposal_id")
    )
    return Proposal.objects.filter(organization_id=organization_id, pk__in=sent)


def _row(proposal: Proposal) -> tuple[str, str, date | None]:
    title = f"{proposal.number} {proposal.title}" if proposal.number else proposal.title
    return (
        title,
        proposal.get_absolute_url(),
        timezone.localdate(proposal.submitted_at) if proposal.submitted_at else None,
    )


DIMENSIONS = (
    Dimension("stage", _("阶段"), "state__name"),
    Dimension("outcome", _("审查结果"), "outcome", {str(k): v for k, v in Proposal.Outcome.choices}),
    Dimension("category", _("类别"), "category__name"),
    Dimension("sector", _("界别"), "sector__name"),
    Dimension("party", _("党派"), "submitter_party", dict(MemberProfile.Party.choices)),
    Dimension("unit", _("主办单位"), "assignments__unit__name"),
)


def _figure(
    key, label, question, records, *, period=BY_SUBMISSION, order=100, sentence="", unit=None, day="submitted_at"
) -> Figure:
    return Figure(
        key=key,
        label=label,
        unit=unit or _("件"),
        question=question,
        period=period,
        section="proposals",
        records=records,
        row=_row,
        order=order,
        dimensions=DIMENSIONS,
        sentence=sentence,
        day=day,
    )


FIGURES = (
    _figure(
        "proposals_submitted",
        _("收到提案"),
        _("期间提交了多少件提案（不含微提案）？"),
        _submitted(Proposal.Kind.PROPOSAL),
        order=10,
        sentence=_("共收到提案{value}件"),
    ),
    _figure(
        "proposals_filed",
        _("立案提案"),
        _("期间提交的提案中有多少件经审查立案？"),
        _filed(Proposal.Kind.PROPOSAL),
        order=20,
        sentence=_("经审查立案{value}件"),
    ),
    _figure(
        "key_proposals",
        _("重点提案"),
        _("期间立案的提案中有多少件确定为重点提案？"),
        key_proposals,
        order=30,
        sentence=_("确定重点提案{value}件"),
    ),
    _figure(
        "proposals_replied",
        _("已答复提案"),
        _("期间有多少件提案的答复送达提案人？"),
        replied,
        period=BY_EVENT,
        day="replied_at",
        order=40,
        sentence=_("已答复{value}件"),
    ),
    _figure(
        "micro_proposals_submitted",
        _("收到微提案"),
        _("期间提交了多少件微提案？"),
        _submitted(Proposal.Kind.MICRO),
        order=50,
        sentence=_("收到微提案{value}件"),
    ),
    _figure(
        "micro_proposals_filed",
        _("立案微提案"),
        _("期间提交的微提案中有多少件立案？"),
        _filed(Proposal.Kind.MICRO),
        order=60,
    ),
)


def register() -> None:
    figures.register(*FIGURES)
