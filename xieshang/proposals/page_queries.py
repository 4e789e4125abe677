"""Reads only the pages need and the domain's selectors do not (yet) offer: the co-signer search, public disclosure
with filters and paging, the excellent-proposal candidates, the state list of the queue filter and who may read a
reply letter. Kept beside the views so the domain's selectors.py stays the domain engineer's."""

from __future__ import annotations

import rules
from django.db.models import Prefetch, Q, QuerySet

from xieshang.accounts.models import Role
from xieshang.accounts.selectors import has_role
from xieshang.core.privacy import mask_personal_data
from xieshang.workflow.models import State

from .models import Proposal, Reply
from .selectors import is_signer, list_queryset, officer_unit_ids


def state_choices(workflow_key: str = "proposal") -> list[tuple[str, str]]:
    rows = (
        State.objects.filter(workflow__key=workflow_key, workflow__organization__isnull=True)
        .order_by("order", "id")
        .values_list("key", "name")
    )
    return list(rows)


# public disclosure


def mask_contacts(text: str) -> str:
    """A published text with personal contact data masked: phone numbers (138****5678, 0371-****1234), e-mail
    addresses and identity-card numbers (core.privacy)."""
    return mask_personal_data(text)


def _published_replies():
    return Reply.objects.filter(is_published=True).select_related("assignment__unit").order_by("round", "id")


def public_proposals(organization, *, year=None, category=None, q: str = "") -> QuerySet[Proposal]:
    """Proposals with at least one reply the office published, newest publication first, replies prefetched."""
    qs = (
        Proposal.objects.filter(organization=organization, published_reply_at__isnull=False)
        .select_related("category", "submitter", "sector", "committee")
        .prefetch_related(Prefetch("replies", queryset=_published_replies(), to_attr="published_replies"))
        .order_by("-year", "-seq", "-id")
    )
    if year:
        qs = qs.filter(year=year)
    if category:
        qs = qs.filter(category=category)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(number__icontains=q))
    return qs


def public_proposal(organization, pk: int) -> Proposal | None:
    return public_proposals(organization).filter(pk=pk).first()


# staff pages


def excellent_candidates(organization, year: int) -> QuerySet[Proposal]:
    """Filed proposals of the year, the ones already selected first."""
    return (
        list_queryset()
        .filter(organization=organization, kind=Proposal.Kind.PROPOSAL, year=year, outcome=Proposal.Outcome.FILED)
        .order_by("-is_excellent", "seq", "id")
    )


# documents


def may_read_letter(user, reply: Reply) -> bool:
    """The reply letter shows the real contact person and phone: the signers once it reached them, the unit that
    wrote it, the co-handlers, and the overseers (proposals staff, supervisor, leader)."""
    proposal = reply.proposal
    org = proposal.organization_id
    if any(has_role(user, r, org) for r in (Role.PROPOSALS_STAFF, Role.SUPERVISOR, Role.LEADER)):
        return True
    mine = officer_unit_ids(user, org)
    # .all() reads the assignments proposal_detail prefetched (a plain list there), else queries once.
    if mine and any(a.unit_id in mine and a.status != "planned" for a in proposal.assignments.all()):
        return True
    return reply.status == Reply.Status.SENT and is_signer(user, proposal)


def may_view(user, proposal) -> bool:
    return rules.has_perm("proposals.view_proposal", user, proposal)


def landing_replies(organization_ids, limit: int = 6) -> list[Proposal]:
    """The portal's landing page: the proposals whose replies were published last, of the portal's organizations,
    with the units that replied."""
    rows = list(
        Proposal.objects.filter(organization_id__in=organization_ids, published_reply_at__isnull=False)
        .select_related("organization")
        .prefetch_related(Prefetch("replies", queryset=_published_replies(), to_attr="published_replies"))
        .order_by("-published_reply_at", "-id")[:limit]
    )
    for proposal in rows:
        units = dict.fromkeys(r.assignment.unit.name for r in proposal.published_replies)  # type: ignore[attr-defined]
        proposal.reply_units = list(units)  # type: ignore[attr-defined]
    return rows
