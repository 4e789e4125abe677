"""REST API of proposals (django-ninja): list with filters, detail with history, the transitions the caller may
take, and taking one. Mounted by xieshang/api/main.py under /api/proposals/.

Errors: 404 when the proposal does not exist or belongs to an organization the caller is not in; 403 when the caller
may not see it or take the transition; 409 when the action does not fit the current state (another person acted
first, or a condition is unmet), with the reason; 422 for bad input (missing reason, invalid payload)."""

from __future__ import annotations

from datetime import date, datetime

import rules
from ninja import Field, Query, Router, Schema, Status
from ninja.decorators import decorate_view

from xieshang.accounts.selectors import user_organization_ids
from xieshang.core.api import ErrorOut, Paging
from xieshang.core.idempotency import once_per_key
from xieshang.workflow.selectors import available_transitions, events_for

from . import page_cache, selectors, services
from .models import Comment

router = Router(tags=["proposals"])


class AssignmentOut(Schema):
    unit_id: int
    unit: str
    role: str
    status: str
    receipt_due_on: date | None


class ProposalOut(Schema):
    id: int
    kind: str
    year: int
    number: str
    title: str
    state: str
    state_name: str
    category: str | None
    submitter: str
    submitter_kind: str
    sector: str | None
    is_key: bool
    fast_track: bool
    is_excellent: bool
    outcome: str
    due_on: date | None
    overdue: bool
    submitted_at: datetime | None
    assignments: list[AssignmentOut]


class EventOut(Schema):
    id: int
    kind: str
    at: datetime
    actor: str
    action: str
    from_state: str
    to_state: str
    reason: str
    payload: dict
    due_on: date | None


class ReplyOut(Schema):
    id: int
    round: int
    unit: str
    reference_number: str
    grade: str
    status: str
    text: str
    sent_at: datetime | None


class CommentOut(Schema):
    id: int
    author: str
    text: str
    state: str
    at: datetime


class AllowsOut(Schema):
    """What the caller may do in the proposal's current state, from the same permissions the pages ask (the state's
    `allows` flags combined with the caller's part in the proposal)."""

    edit: bool
    invite_cosigners: bool
    cosign: bool
    comment: bool
    rate: bool


class ProposalDetailOut(ProposalOut):
    body: str
    outcome_reason: str
    cosigners: list[str]
    replies: list[ReplyOut]
    comments: list[CommentOut]
    allows: AllowsOut
    history: list[EventOut]


class CommentIn(Schema):
    text: str


class TransitionOut(Schema):
    key: str
    name: str
    target: str
    allowed: bool
    reason: str
    requires_reason: bool
    payload_schema: dict


class TakeIn(Schema):
    payload: dict = Field(default_factory=dict)
    reason: str = ""
    expected_state: str | None = Field(None, description="The state key the caller saw; a different one gives 409.")


class ListFilters(Paging):
    state: str | None = None
    category: int | None = None
    sector: int | None = None
    unit: int | None = None
    year: int | None = None
    is_key: bool | None = None
    fast_track: bool | None = None
    kind: str | None = None
    q: str = ""
    organization: int | None = Field(None, description="Defaults to the caller's current organization.")


class ProposalPage(Schema):
    count: int
    items: list[ProposalOut]


def _out(p) -> dict:
    return {
        "id": p.pk,
        "kind": p.kind,
        "year": p.year,
        "number": p.number,
        "title": p.title,
        "state": p.state.key if p.state_id else "",
        "state_name": p.state.name if p.state_id else "",
        "category": p.category.name if p.category_id else None,
        "submitter": p.submitter_display,
        "submitter_kind": p.submitter_kind,
        "sector": p.sector.name if p.sector_id else None,
        "is_key": p.is_key,
        "fast_track": p.fast_track,
        "is_excellent": p.is_excellent,
        "outcome": p.outcome,
        "due_on": p.due_on,
        "overdue": p.overdue,
        "submitted_at": p.submitted_at,
        "assignments": [
            {
                "unit_id": a.unit_id,
                "unit": a.unit.name,
                "role": a.role,
                "status": a.status,
                "receipt_due_on": a.receipt_due_on,
            }
            for a in p.assignments.all()
        ],
    }


@router.get("/", response={200: ProposalPage, 400: ErrorOut})
def list_proposals(request, filters: Query[ListFilters]):
    """Proposals the caller may see in the organization, filtered; newest first."""
    org_id = filters.organization or getattr(getattr(request, "organization", None), "pk", None)
    if org_id is None or org_id not in user_organization_ids(request.user):
        return Status(400, {"detail": "请先选择所在的政协组织。", "code": "no_organization"})

    def build():
        qs = selectors.visible_proposals(request.user, org_id)
        f = selectors.QueueFilters(
            states=(filters.state,) if filters.state else None,
            category=filters.category,
            sector=filters.sector,
            unit=filters.unit,
            year=filters.year,
            is_key=filters.is_key,
            fast_track=filters.fast_track,
            kind=filters.kind,
            search=filters.q.strip(),
        )
        qs = selectors._filter(qs, f).order_by("-created_at", "-id")
        items = [_out(p) for p in filters.page(qs)]
        return {"count": qs.count(), "items": items}

    # Kept like the pages' parts (page_cache): per caller, organization and filters, until a proposal record or his
    # grants change.
    vary = sorted(filters.model_dump().items())
    return Status(200, page_cache.value("api.list", build, org_id, vary, reader=request.user.pk))


class SimilarFilters(Schema):
    title: str = Field("", max_length=300)
    body: str = Field("", max_length=20_000)
    exclude: int | None = Field(None, description="A proposal to leave out (the one being edited).")
    organization: int | None = Field(None, description="Defaults to the caller's current organization.")


class SimilarItemOut(Schema):
    id: int
    title: str
    score: float


class SimilarOut(Schema):
    items: list[SimilarItemOut]
    hidden: int = Field(description="Near-duplicates the caller may not read (not named).")
    min_score: float
    near_duplicate: float


@router.get("/similar", response={200: SimilarOut, 400: ErrorOut})
def similar(request, filters: Query[SimilarFilters]):
    """Earlier proposals most like a title and body: the writing panel's list, by the same similarity function and
    threshold policy (search.similar.POLICY) as the panel and the merge candidates."""
    from xieshang.search.similar import POLICY

    from .views.similar import similar_proposals

    org_id = filters.organization or getattr(getattr(request, "organization", None), "pk", None)
    if org_id is None or org_id not in user_organization_ids(request.user):
        return Status(400, {"detail": "请先选择所在的政协组织。", "code": "no_organization"})
    found = similar_proposals(request.user, org_id, filters.title, filters.body, exclude=filters.exclude)
    items = [{"id": s.proposal.pk, "title": s.proposal.title, "score": s.score} for s in found.shown]
    policy = {"min_score": POLICY.min_score, "near_duplicate": POLICY.near_duplicate}
    return Status(200, {"items": items, "hidden": found.hidden, **policy})


@router.get("/{int:proposal_id}", response=ProposalDetailOut)
def proposal_detail(request, proposal_id: int):
    """The proposal with its co-signers, replies and whole history."""
    page = selectors.proposal_detail(request.user, proposal_id)
    p = page.proposal
    data = _out(p)
    member_only = _is_member_only(request.user, p)
    data.update(
        body=p.body,
        outcome_reason=p.outcome_reason,
        cosigners=[c.user.display_name for c in page.cosignatures if c.status == "signed"],
        replies=[
            {
                "id": r.pk,
                "round": r.round,
                "unit": r.assignment.unit.name,
                "reference_number": r.reference_number,
                "grade": r.grade,
                "status": r.status,
                "text": r.text,
                "sent_at": r.sent_at,
            }
            for r in page.replies
            if r.status == "sent" or not member_only
        ],
        comments=[
            {"id": c.pk, "author": c.author.display_name, "text": c.text, "state": c.state_name, "at": c.created_at}
            for c in Comment.objects.filter(proposal_id=p.pk).select_related("author")
        ],
        allows={
            "edit": rules.has_perm("proposals.change_proposal", request.user, p),
            "invite_cosigners": not p.is_micro and rules.has_perm("proposals.invite_cosigners", request.user, p),
            "cosign": rules.has_perm("proposals.cosign_proposal", request.user, p),
            "comment": rules.has_perm("proposals.comment_proposal", request.user, p),
            "rate": rules.has_perm("proposals.rate_proposal", request.user, p),
        },
        history=[
            {
                "id": e.pk,
                "kind": e.kind,
                "at": e.at,
                "actor": e.actor_name,
                "action": e.transition_name,
                "from_state": e.from_state_name,
                "to_state": e.to_state_name,
                "reason": e.reason,
                "payload": e.payload,
                "due_on": e.due_on,
            }
            for e in page.events
        ],
    )
    return data


def _is_member_only(user, proposal) -> bool:
    # Members see replies once they are sent to them, not drafts under countersigning or review.
    return not (
        rules.has_perm("proposals.manage_proposal", user, proposal)
        or rules.has_perm("proposals.handle_assignment", user, proposal)
        or selectors._is_overseer(user, proposal.organization_id)
    )


@router.get("/{int:proposal_id}/transitions", response=list[TransitionOut])
def proposal_transitions(request, proposal_id: int):
    """Every transition out of the current state, with whether the caller may take it now and why not."""
    proposal = selectors.get_proposal_for_user(request.user, proposal_id)
    return [
        {
            "key": a.transition.key,
            "name": a.transition.name,
            "target": a.transition.target.key,
            "allowed": a.allowed,
            "reason": a.reason,
            "requires_reason": a.transition.requires_reason,
            "payload_schema": a.transition.payload_schema or {},
        }
        for a in available_transitions(request.user, proposal)
    ]


@router.post(
    "/{int:proposal_id}/transitions/{key}",
    response={200: ProposalDetailOut, 403: ErrorOut, 409: ErrorOut, 422: ErrorOut},
)
def take_transition(request, proposal_id: int, key: str, data: TakeIn):
    """Take a transition. Domain data goes in `payload` (e.g. {"category": id} to classify, {"ground": id} with a
    reason to refuse filing); actions that need a form of their own (reply, rating, assignment plan) are refused
    here with the reason until their data exists."""
    proposal = selectors.get_proposal_for_user(request.user, proposal_id)
    # A refusal (TransitionError, PermissionDenied, ValidationError) becomes 403/409/422 in xieshang.api.errors.
    services.proposal_transition(
        actor=request.user,
        proposal=proposal,
        key=key,
        payload=data.payload,
        reason=data.reason,
        expected_state=data.expected_state,
    )
    return Status(200, proposal_detail(request, proposal_id))


@router.post(
    "/{int:proposal_id}/comments",
    response={201: CommentOut, 403: ErrorOut, 409: ErrorOut, 422: ErrorOut},
)
@decorate_view(once_per_key)
def add_comment(request, proposal_id: int, data: CommentIn):
    """Remark on the proposal. Refused with 409 and the reason when the current state does not allow comments.
    An `Idempotency-Key` header makes a retry safe: the same key answers the first 201 again (header
    `Idempotent-Replayed: true`) without writing a second comment; with another body it is refused with 422."""
    proposal = selectors.get_proposal_for_user(request.user, proposal_id)
    # A state that does not allow comments is a TransitionError: 409 with the reason, from xieshang.api.errors.
    c = services.comment_add(actor=request.user, proposal=proposal, text=data.text)
    return Status(
        201, {"id": c.pk, "author": c.author.display_name, "text": c.text, "state": c.state_name, "at": c.created_at}
    )


__all__ = ["router", "events_for"]
