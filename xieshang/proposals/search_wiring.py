"""What proposals register with search: proposals, micro-proposals and replies as document types, past lead-unit
assignments as the routing model's training data, and the hooks that keep the index current.

The index follows writes by name (decision 0008): a workflow hook on every transition ("*") re-indexes the
proposal and its replies (transitions change state, units and reply status, partly through queryset updates), and
the services call index_proposal / index_reply for their writes outside the engine (drafts, edits, co-signatures,
reply submission and publication, key and excellent marks). Every call goes through search.services.index_later, so
the index only ever follows a committed write.
"""

from __future__ import annotations

from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from xieshang.search import registry
from xieshang.search.registry import PUBLIC, RESTRICTED, SearchDoc

from . import visibility
from .models import Assignment, Proposal, Reply

PROPOSAL = "proposal"
MICRO = "micro_proposal"
REPLY = "proposal_reply"
GONE = (Assignment.Status.RETURNED, Assignment.Status.REPLACED)
# Retrain the organization's routing model once this many assignments arrived since the stored model was fitted.
RETRAIN_EVERY = 20
# Transitions after which the lead unit is settled for the routing log (plan sent for approval; micro accepted).
ROUTED = {"propose_assignment", "accept"}


def doc_type_of(proposal: Proposal) -> str:
    return MICRO if proposal.kind == Proposal.Kind.MICRO else PROPOSAL


def _public_url(proposal: Proposal) -> str:
    try:
        return reverse("proposals:public_detail", args=[proposal.organization.code, proposal.pk])
    except NoReverseMatch:
        return proposal.get_absolute_url()


def _viewers(proposal: Proposal, *, with_units: bool = True) -> dict:
    """Who may see a proposal, as search visibility data (visibility.PROPOSAL, the same spec as rules.view_proposal
    and selectors.visible_proposals), and the units handling it."""
    fields = visibility.PROPOSAL.reader_fields(proposal)
    if not with_units:
        return fields
    fields["unit_ids"] = sorted(
        set(
            Assignment.objects.filter(proposal_id=proposal.pk)
            .exclude(status__in=GONE)
            .values_list("unit_id", flat=True)
        )
    )
    return fields


def _published(proposal: Proposal) -> bool:
    return Reply.objects.filter(proposal_id=proposal.pk, is_published=True).exists()


def proposal_document(proposal: Proposal) -> SearchDoc | None:
    viewers = _viewers(proposal)
    public = _published(proposal)
    return SearchDoc(
        title=proposal.title,
        body=proposal.body,
        organization_id=proposal.organization_id,
        year=proposal.year,
        state=proposal.state.key if proposal.state_id else "",
        category=proposal.category.name[:40] if proposal.category_id else "",
        unit_ids=viewers.pop("unit_ids"),
        sector_id=proposal.sector_id,
        url=_public_url(proposal) if public else proposal.get_absolute_url(),
        doc_date=(proposal.submitted_at or proposal.created_at).date(),
        visibility=PUBLIC if public else RESTRICTED,
        **viewers,
    )


def reply_document(reply: Reply) -> SearchDoc | None:
    """A reply is searchable once sent to the members; public once the office published it."""
    if reply.status != Reply.Status.SENT:
        return None
    proposal = reply.proposal
    viewers = _viewers(proposal, with_units=False)
    unit = reply.assignment.unit
    return SearchDoc(
        title=f"{proposal.title}（{unit.name}答复）",
        body=reply.text,
        organization_id=proposal.organization_id,
        year=proposal.year,
        state=proposal.state.key if proposal.state_id else "",
        category=proposal.category.name[:40] if proposal.category_id else "",
        unit_ids=[unit.pk],
        sector_id=proposal.sector_id,
        url=_public_url(proposal) if reply.is_published else proposal.get_absolute_url(),
        doc_date=(reply.sent_at or reply.submitted_at).date(),
        visibility=PUBLIC if reply.is_published else RESTRICTED,
        **viewers,
    )


def _proposals(kind: str):
    def queryset():
        return Proposal.objects.filter(kind=kind).select_related("state", "category", "organization")

    return queryset


def _replies():
    return Reply.objects.select_related(
        "proposal", "proposal__state", "proposal__category", "proposal__organization", "assignment__unit"
    )


def routing_examples(organization_id: int):
    """(title, body, lead unit) of every proposal the organization assigned; the latest active lead counts."""
    rows = (
        Assignment.objects.filter(
            proposal__organization_id=organization_id,
            role=Assignment.Role.LEAD,
            status__in=(Assignment.Status.PENDING, Assignment.Status.RECEIVED),
        )
        .order_by("proposal_id", "id")
        .values_list("proposal_id", "proposal__title", "proposal__body", "unit_id")
    )
    lead: dict[int, tuple[str, str, int]] = {}
    for proposal_id, title, body, unit_id in rows.iterator(2000):
        lead[proposal_id] = (title, body, unit_id)
    yield from lead.values()


# --- keeping the index current


def index_proposal(proposal: Proposal, *, with_replies: bool = True) -> None:
    from xieshang.search.services import index_later

    index_later(proposal, doc_type_of(proposal))
    if with_replies and proposal.pk:
        for reply in Reply.objects.filter(proposal_id=proposal.pk).order_by().only("pk"):
            index_later(reply, REPLY)


def index_reply(reply: Reply) -> None:
    """A reply written or published: the reply and its proposal (publication makes the proposal public too)."""
    from xieshang.search.services import index_later

    index_later(reply, REPLY)
    proposal = Proposal(pk=reply.proposal_id, kind=_kind(reply))
    index_later(proposal, doc_type_of(proposal))


def after_transition(obj, event, payload) -> None:
    """Every transition (hooks.py runs it): the proposal and its replies; the routing log and model after an
    assignment."""
    index_proposal(obj)
    key = getattr(getattr(event, "transition", None), "key", "")
    if key in ROUTED:
        _record_lead_unit(obj, event)
    if key in ROUTED or key == "assign":
        _maybe_retrain(obj.organization_id)


def _record_lead_unit(proposal: Proposal, event) -> None:
    from xieshang.search.routing_store import record_routing_decision

    lead = (
        Assignment.objects.filter(proposal_id=proposal.pk, role=Assignment.Role.LEAD)
        .exclude(status__in=GONE)
        .order_by("-id")
        .values_list("unit_id", flat=True)
        .first()
    )
    if lead is None:  # split assignment (分办): no single lead to score
        return
    record_routing_decision(
        organization=proposal.organization_id,
        chosen_unit=lead,
        doc_type=doc_type_of(proposal),
        object_id=proposal.pk,
        actor=getattr(event, "actor", None),
    )


def _maybe_retrain(organization_id: int) -> None:
    """After commit, retrain when enough assignments arrived since the stored model: the count reads every assigned
    proposal of the organization (~100 ms at 100k), which inside the transaction held its locks that long on every
    assignment; and one retraining is queued at a time (search.tasks.retrain_once), not one per assignment."""
    transaction.on_commit(lambda: _retrain_if_due(organization_id), robust=True)


def _retrain_if_due(organization_id: int) -> None:
    from xieshang.search.models import RoutingModelStore
    from xieshang.search.tasks import retrain_once, retrain_pending

    if retrain_pending(organization_id):
        return
    trained_on = (
        RoutingModelStore.objects.filter(organization_id=organization_id).values_list("n_examples", flat=True).first()
    ) or 0
    assigned = (
        Assignment.objects.filter(
            proposal__organization_id=organization_id,
            role=Assignment.Role.LEAD,
            status__in=(Assignment.Status.PENDING, Assignment.Status.RECEIVED),
        )
        .values("proposal_id")
        .distinct()
        .count()
    )
    if assigned - trained_on >= RETRAIN_EVERY:
        retrain_once(organization_id)


def _kind(row) -> str:
    """The kind of the row's proposal: from the proposal the row was saved with, else one query."""
    if type(row).proposal.is_cached(row) and row.proposal.pk == row.proposal_id:
        return row.proposal.kind
    return (
        Proposal.objects.filter(pk=row.proposal_id).order_by().values_list("kind", flat=True).first()
        or Proposal.Kind.PROPOSAL
    )


def register() -> None:
    registry.register_document_type(
        PROPOSAL,
        _("提案"),
        Proposal,
        proposal_document,
        queryset=_proposals(Proposal.Kind.PROPOSAL),
    )
    registry.register_document_type(
        MICRO,
        _("微提案"),
        Proposal,
        proposal_document,
        queryset=_proposals(Proposal.Kind.MICRO),
    )
    registry.register_document_type(REPLY, _("提案答复"), Reply, reply_document, queryset=_replies, similarity=False)
    registry.register_routing_source("proposals", routing_examples)
