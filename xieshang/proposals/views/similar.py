"""Search-powered help on the proposal pages: similar earlier proposals while a member writes, merge candidates (并案)
with the shared passages marked for staff reviewing, handling-unit suggestions for staff assigning, and the keyword
and routing-accuracy tables of the statistics page. Search answers; the proposal's own services do every write."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_POST

from xieshang.search.keywords import cached_top_terms
from xieshang.search.routing_store import UnitSuggestion, suggest_units, suggest_units_many
from xieshang.search.selectors import routing_accuracy
from xieshang.search.similar import POLICY, SimilarDocument, similar_documents
from xieshang.search.text.similarity import shared_passages
from xieshang.workflow.selectors import state_has, state_tag

from .. import selectors
from ..forms import ReviewForm
from ..models import Proposal, Reply
from ..search_wiring import MICRO, PROPOSAL, doc_type_of
from .common import org_or_404

# Shorter common runs are set phrases (建议、政府部门…), not copied passages.
PASSAGE_MIN_CHARS = 8
MAX_TEXT = 4000


@dataclass
class SimilarProposal:
    proposal: Proposal
    score: float
    replies: list = field(default_factory=list)

    @property
    def grade(self) -> str:
        grades = sorted({r.grade for r in self.replies if r.grade})
        return "/".join(grades)


def _text(title: str, body: str) -> str:
    return f"{title or ''}\n{body or ''}"[:MAX_TEXT]


def neighbours(user, organization, title: str, body: str, *, exclude: int | None = None) -> list[SimilarDocument]:
    """The one similarity query of the proposal pages: the proposals and micro-proposals of the organization most
    like the text, by search's similarity function and POLICY, best first. Those the user may not read come back
    marked visible=False. The writing panel and the merge candidates both start from this list, so a pair the merge
    list scores the writing panel scores the same."""
    text = _text(title, body)
    if len(text.strip()) < 6:
        return []
    skip = [(PROPOSAL, exclude), (MICRO, exclude)] if exclude else []
    return similar_documents(
        text,
        [PROPOSAL, MICRO],
        organization,
        k=POLICY.shown * 2,
        user=user,
        exclude=skip,
        min_score=POLICY.min_score,
        include_hidden=True,
    )


@dataclass
class Similar:
    """The writing panel: the similar proposals the member may read, and how many near-duplicates he may not."""

    shown: list[SimilarProposal]
    hidden: int = 0
    hidden_score: float = 0.0

    def __bool__(self) -> bool:
        return bool(self.shown or self.hidden)


def similar_proposals(user, organization, title: str, body: str, *, exclude: int | None = None) -> Similar:
    """Earlier proposals of the organization most like the text, that the user may see, with the replies the user
    may read (all sent replies of a proposal the user may open; published ones otherwise); and the count of
    near-duplicates (POLICY.near_duplicate) submitted by others that the user may not read, without naming them."""
    found = neighbours(user, organization, title, body, exclude=exclude)
    if not found:
        return Similar([])
    scores = {d.object_id: d.score for d in found}
    sent = Reply.objects.filter(status=Reply.Status.SENT).select_related("assignment__unit").order_by("round", "id")
    rows = list(
        Proposal.objects.filter(organization=organization, pk__in=scores)
        .exclude(state_tag("draft").q())  # a draft is its member's own
        .select_related("state")
        .prefetch_related(Prefetch("replies", queryset=sent, to_attr="sent_replies"))
    )
    visible = {d.object_id for d in found if d.visible}
    openable = set(selectors.visible_proposals(user, organization).filter(pk__in=visible).values_list("pk", flat=True))
    shown = [
        SimilarProposal(p, scores[p.pk], [r for r in p.sent_replies if p.pk in openable or r.is_published])
        for p in rows
        if p.pk in visible
    ]
    shown.sort(key=lambda s: (-s.score, -s.proposal.pk))
    hidden = [scores[p.pk] for p in rows if p.pk not in visible and scores[p.pk] >= POLICY.near_duplicate]
    return Similar(shown[: POLICY.shown], len(hidden), max(hidden, default=0.0))


@require_POST
@login_required
def similar_view(request):
    """The htmx partial under the proposal form: similar earlier proposals, or nothing."""
    organization = org_or_404(request)
    try:
        exclude = int(request.POST.get("proposal") or 0) or None
    except ValueError:
        exclude = None
    found = similar_proposals(
        request.user, organization, request.POST.get("title", ""), request.POST.get("body", ""), exclude=exclude
    )
    # A bare partial: no layout, so no context processors (menu, unread counts) to query for.
    return HttpResponse(render_to_string("proposals/_similar.html", {"similar": found}))


# --- merge candidates (staff reviewing)


def mark_passages(text: str, spans: list[tuple[int, int]]) -> SafeString:
    """Escape the text, then wrap each span in <mark> (spans may overlap; they are merged first)."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    parts, pos = [], 0
    for start, end in merged:
        parts.append(escape(text[pos:start]))
        parts.append(f"<mark>{escape(text[start:end])}</mark>")
        pos = end
    parts.append(escape(text[pos:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece above was escaped


@dataclass
class MergeCandidate:
    proposal: Proposal
    score: float
    body_html: SafeString
    own_html: SafeString
    shared_chars: int


def merge_candidates(user, proposal: Proposal) -> list[MergeCandidate]:
    """Proposals this one could be merged into (the review form's own targets), most similar first, with the passages
    both share marked in each text."""
    if proposal.is_micro:
        return []
    found = neighbours(user, proposal.organization_id, proposal.title, proposal.body, exclude=proposal.pk)
    scores = {d.object_id: d.score for d in found if d.visible}
    if not scores:
        return []
    targets = ReviewForm(proposal=proposal).fields["merge_into"].queryset.filter(pk__in=scores).select_related("state")
    own = proposal.body or ""
    out = []
    for target in targets:
        body = target.body or ""
        passages = shared_passages(own[:MAX_TEXT], body[:MAX_TEXT], min_len=PASSAGE_MIN_CHARS)
        out.append(
            MergeCandidate(
                proposal=target,
                score=scores[target.pk],
                body_html=mark_passages(body, [(sb, eb) for _sa, _ea, sb, eb in passages]),
                own_html=mark_passages(own, [(sa, ea) for sa, ea, _sb, _eb in passages]),
                shared_chars=sum(eb - sb for _sa, _ea, sb, eb in passages),
            )
        )
    out.sort(key=lambda c: (-c.score, -c.proposal.pk))
    return out[: POLICY.shown]


# --- handling-unit suggestions (staff assigning)


def unit_suggestions(proposal: Proposal) -> list[UnitSuggestion]:
    """The three likeliest lead units, logged so that the plan saved later is scored against them."""
    found, _entry = suggest_units(
        proposal.organization_id,
        proposal.body,
        title=proposal.title,
        k=3,
        doc_type=doc_type_of(proposal),
        object_id=proposal.pk,
    )
    return found


def queue_suggestions(organization, proposals) -> dict[int, list[UnitSuggestion]]:
    """Suggestions for the queue's proposals still waiting for a plan (one model load, one unit query)."""
    waiting = [p for p in proposals if state_has(p, "to_plan")]
    if not waiting:
        return {}
    found = suggest_units_many(organization, [(doc_type_of(p), p.pk, p.title, p.body) for p in waiting], k=3)
    return {p.pk: found[i] for i, p in enumerate(waiting)}


# --- statistics


def search_statistics(organization, period) -> dict:
    """Routing acceptance and the most frequent words of the period's proposals (a year or a (from, to) pair) by
    sector and by category."""
    return {"routing": routing_accuracy(organization), **search_terms(organization, period)}


def search_terms(organization, period) -> dict:
    """The most frequent words of the period's proposals by sector and by category (or pending while counted)."""
    types = [PROPOSAL, MICRO]
    # Counted by a task and cached (search.keywords): segmenting a year's proposals took 37–47 s a request at 100k.
    org_id = getattr(organization, "pk", organization)
    by_sector = cached_top_terms(org_id, period, by="sector", n=8, doc_types=types)
    by_category = cached_top_terms(org_id, period, by="category", n=8, doc_types=types)
    return {
        "terms_pending": by_sector is None or by_category is None,
        "terms_by_sector": sorted((by_sector or {}).items(), key=lambda kv: (kv[0] == "", kv[0])),
        "terms_by_category": sorted((by_category or {}).items(), key=lambda kv: (kv[0] == "", kv[0])),
    }
