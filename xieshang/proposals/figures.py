"""The proposal figures of the annual work report, registered with the statistics face (core.figures).

A proposal counts in the period it was submitted in (drafts never count), as statistics.py has always counted; a
reply in the period it reached the member. The statistics page counts through the same functions."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xieshang.accounts.models import MemberProfile
from xieshang.core import figures
from xieshang.core.figures import BY_EVENT, BY_SUBMISSION, Dimension, Figure

from . import statistics
from .models import Proposal, Rating, Reply


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


def key_proposals_supervised(organization_id: int, start: date, end: date) -> QuerySet[Proposal]:
    """Key proposals with a leader who leads their supervision (领导领衔督办)."""
    return key_proposals(organization_id, start, end).filter(key_leader__isnull=False)


def key_proposals_closed(organization_id: int, start: date, end: date) -> QuerySet[Proposal]:
    """Key proposals of the period whose handling is finished (办结)."""
    return key_proposals(organization_id, start, end).filter(closed_at__isnull=False)


def replies_sent(organization_id: int, start: date, end: date) -> QuerySet[Reply]:
    """The replies that reached the member in the period and were judged on time or late (每件答复计一次)."""
    return (
        Reply.objects.filter(
            proposal__organization_id=organization_id, sent_at__date__range=(start, end), on_time__isnull=False
        )
        .exclude(status=Reply.Status.SUPERSEDED)
        .select_related("proposal", "assignment__unit")
    )


def ratings_given(organization_id: int, start: date, end: date) -> QuerySet[Rating]:
    """The signers' ratings of replies given in the period (每位提案人对每件答复的评价计一次)."""
    return Rating.objects.filter(
        proposal__organization_id=organization_id, created_at__date__range=(start, end)
    ).select_related("proposal")


def _reply_row(reply: Reply) -> tuple[str, str, date | None]:
    late = "" if reply.on_time else f"（{_('逾期')}）"
    proposal = reply.proposal.number or reply.proposal.title
    return (
        f"{proposal} · {reply.assignment.unit.name} {reply.reference_number}{late}",
        reply.proposal.get_absolute_url(),
        timezone.localdate(reply.sent_at) if reply.sent_at else None,
    )


def _rating_row(rating: Rating) -> tuple[str, str, date | None]:
    return (
        f"{rating.proposal.number or rating.proposal.title} · {rating.get_satisfaction_display()}",
        rating.proposal.get_absolute_url(),
        timezone.localdate(rating.created_at),
    )


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
    key,
    label,
    question,
    records,
    *,
    period=BY_SUBMISSION,
    order=100,
    sentence="",
    unit=None,
    day="submitted_at",
    row=_row,
    dimensions=DIMENSIONS,
    part=None,
) -> Figure:
    return Figure(
        key=key,
        label=label,
        unit=unit or _("件"),
        question=question,
        period=period,
        section="proposals",
        records=records,
        row=row,
        order=order,
        dimensions=dimensions,
        sentence=sentence,
        day=day,
        part=part,
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
        "key_proposals_supervised",
        _("重点提案领导领衔督办"),
        _("期间立案的重点提案中有多少件由领导领衔督办？"),
        key_proposals_supervised,
        order=32,
        sentence=_("由领导领衔督办{value}件"),
    ),
    _figure(
        "key_proposals_closed",
        _("重点提案办结"),
        _("期间立案的重点提案中有多少件已经办结？"),
        key_proposals_closed,
        order=34,
    ),
    _figure(
        "replies_on_time_rate",
        _("按期答复率"),
        _("期间送达的答复中，按期答复的占百分之几？"),
        replies_sent,
        period=BY_EVENT,
        day="sent_at",
        unit="%",
        order=42,
        row=_reply_row,
        dimensions=(Dimension("unit", _("承办单位"), "assignment__unit__name"),),
        part=Q(on_time=True),
        sentence=_("按期答复率{value}%"),
    ),
    _figure(
        "replies_satisfaction_rate",
        _("提案人满意和基本满意率"),
        _("期间提案人对答复的评价中，满意和基本满意的占百分之几？"),
        ratings_given,
        period=BY_EVENT,
        day="created_at",
        unit="%",
        order=44,
        row=_rating_row,
        dimensions=(
            Dimension("satisfaction", _("评价"), "satisfaction", {str(k): v for k, v in Rating.Satisfaction.choices}),
        ),
        part=Q(satisfaction__in=(Rating.Satisfaction.SATISFIED, Rating.Satisfaction.BASIC)),
        sentence=_("提案人对办理工作满意和基本满意率{value}%"),
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
