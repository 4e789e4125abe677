"""The proposal page's context: what the user may do now, and the form of each action, built by topic (the member,
the proposals office, the handling unit, the rating) from the page's rows (selectors.proposal_detail)."""

from __future__ import annotations

import rules

from xieshang.accounts.models import Role
from xieshang.accounts.selectors import has_role
from xieshang.consultations import selectors as consultation_selectors
from xieshang.opinions import selectors as opinion_selectors
from xieshang.workflow.selectors import state_allows, state_has

from .. import services
from ..forms import (
    ApproveForm,
    AttachmentForm,
    ClassifyForm,
    CommentForm,
    ContactForm,
    ContactResponseForm,
    CountersignForm,
    ExtendForm,
    FastTrackForm,
    InviteForm,
    KeyCandidateForm,
    KeyForm,
    OpinionForm,
    PaperRatingForm,
    PlanForm,
    RatingForm,
    ReasonForm,
    ReassignForm,
    RecontactForm,
    ReplyForm,
    ReturnForm,
    ReviewForm,
    SendBackForm,
)
from ..models import Assignment, Comment, CoSignature, HandlingContact, Proposal, Rating, Reply, SignedLetter
from ..page_queries import may_read_letter
from ..selectors import is_signer, officer_unit_ids, open_candidacy, signers
from . import similar

# Transitions whose data comes from a form on this page; the action list points to the form instead of a button.
FORM_TRANSITIONS = {
    "file": "act-review",
    "merge": "act-review",
    "convert": "act-review",
    "not_file": "act-review",
    "classify": "act-classify",
    "accept": "act-plan",
    "reply": "act-reply",
    "unit_return": "act-unit",
    "reassign": "act-returns",
    "refuse_return": "act-returns",
    "approve_reply": "act-supervise",
    "send_back": "act-supervise",
}


class _Forms:
    """The page's forms by name: a refused (bound) form comes back with its data and errors, else a fresh one."""

    def __init__(self, given: dict, found: dict):
        self.given, self.found = given, found

    def add(self, name, factory):
        self.found[name] = self.given.get(name) or factory()


def _may(user, p) -> dict:
    return {
        "edit": rules.has_perm("proposals.change_proposal", user, p),
        "invite": not p.is_micro and rules.has_perm("proposals.invite_cosigners", user, p),
        "manage": rules.has_perm("proposals.manage_proposal", user, p),
        "assign": rules.has_perm("proposals.assign_proposal", user, p),
        "paper": rules.has_perm("proposals.enter_paper_rating", user, p),
        "publish": rules.has_perm("proposals.publish_reply", user, p),
        "comment": rules.has_perm("proposals.comment_proposal", user, p),
        "supervision": p.is_key and rules.has_perm("proposals.view_key_supervision", user, p),
    }


def _member_forms(ctx, page, user, may, forms: _Forms) -> None:
    """Comments, attachments, invitations and the member's own co-signing invitation."""
    p = page.proposal
    # Comments once written stay visible to every reader; the form is there only while the state allows comments.
    ctx["comments"] = list(Comment.objects.filter(proposal_id=p.pk).select_related("author"))
    if may["comment"] or "comment" in forms.given:  # a refused remark is shown again with its text and the reason
        forms.add("comment", CommentForm)
    if may["edit"]:
        forms.add("attachment", AttachmentForm)
    if may["invite"]:
        taken = [c.user_id for c in page.cosignatures if c.status != CoSignature.Status.WITHDRAWN]
        forms.add("invite", lambda: InviteForm(organization=p.organization, exclude=[p.submitter_id, *taken]))
    invitation = next(
        (c for c in page.cosignatures if c.user_id == user.pk and c.status == CoSignature.Status.INVITED), None
    )
    ctx["invitation"] = invitation if invitation and state_allows(p, "cosign") else None


def _office_forms(ctx, page, may, forms: _Forms) -> None:
    """The proposals office: review, classification, key proposal, fast track, extension; the assignment plan and
    returned assignments."""
    p = page.proposal
    if may["manage"]:
        if state_has(p, "review"):
            forms.add("review", lambda: ReviewForm(proposal=p))
        if state_has(p, "classify"):
            forms.add(
                "classify", lambda: ClassifyForm(organization=p.organization, initial={"category": p.category_id})
            )
        if not p.is_micro and p.outcome == Proposal.Outcome.FILED and not p.state.is_final:
            # The box shows what the proposal is: ticked only on a key proposal.
            initial = {"is_key": p.is_key, "leader": p.key_leader_id, "supervising_body": p.key_supervising_body}
            forms.add("key", lambda: KeyForm(organization=p.organization, initial=initial))
            if not p.is_key:
                ctx["key_candidacy"] = open_candidacy(p)
                if ctx["key_candidacy"] is None:
                    forms.add("key_candidate", KeyCandidateForm)
        if not p.state.is_final and not state_has(p, "draft") and not state_has(p, "closed"):
            forms.add("fast_track", lambda: FastTrackForm(initial={"fast_track": not p.fast_track}))
        if state_has(p, "handling"):
            forms.add("extend", ExtendForm)
    if not may["assign"]:
        return
    if state_has(p, "planning"):
        planned = [a for a in page.assignments if a.status == Assignment.Status.PLANNED]
        initial = {
            "mode": p.assignment_mode,
            "lead": next((a.unit_id for a in planned if a.role == "lead"), None),
            "co": [a.unit_id for a in planned if a.role == "co"],
            "split": [a.unit_id for a in planned if a.role == "split"],
        }
        forms.add("plan", lambda: PlanForm(organization=p.organization, micro=p.is_micro, initial=initial))
    returned = [a for a in page.assignments if a.status == Assignment.Status.RETURNED]
    # A proposal waits in its own state for the decision; a micro-proposal goes back to the office's review.
    if state_has(p, "returns") and (returned or not p.is_micro):
        ctx["returned"] = returned
        forms.add("reassign", lambda: ReassignForm(organization=p.organization))
        forms.add("refuse", ReasonForm)


def _unit_key_candidate(ctx, page, user, may, my_assignments, forms: _Forms) -> None:
    """A handling unit puts the proposal forward as a key-proposal candidate (decision 0031); the office has its own
    form among its forms."""
    p = page.proposal
    active = [a for a in my_assignments if a.status in (Assignment.Status.PENDING, Assignment.Status.RECEIVED)]
    if may["manage"] or not active or p.is_key or p.is_micro or p.outcome != Proposal.Outcome.FILED:
        return
    if p.state.is_final or not rules.has_perm("proposals.propose_key", user, p):
        return
    ctx["key_candidacy"] = open_candidacy(p)
    if ctx["key_candidacy"] is None:
        forms.add("key_candidate", KeyCandidateForm)


def _unit_forms(ctx, page, my_assignments, lead_reply, forms: _Forms) -> None:
    """The handling unit: receipt, return, co-handler's opinion, reply, recontact, countersigning."""
    p = page.proposal
    receipt, working = state_has(p, "receipt"), state_has(p, "handling")
    for a in my_assignments:
        if a.status == Assignment.Status.PENDING and receipt:
            ctx.setdefault("to_receive", []).append(a)
        if (a.status == Assignment.Status.PENDING and receipt) or (
            p.is_micro and working and a.status == Assignment.Status.RECEIVED
        ):
            forms.add("return", ReturnForm)
            ctx.setdefault("returnable", []).append(a)
        if a.status != Assignment.Status.RECEIVED:
            continue
        if a.role == Assignment.Role.CO and working:
            ctx["opinion_assignment"] = a
            forms.add("opinion", lambda a=a: OpinionForm(initial={"text": a.opinion}))
        if a.role != Assignment.Role.CO and working and a.needs_reply:
            ctx["reply_assignment"] = a
            forms.add("reply", ReplyForm)
            forms.add("contact", ContactForm)
            ctx["contact_missing"] = services.contact_required(p) and not any(
                c.assignment_id == a.pk for c in ctx["contacts"]
            )
            if state_has(p, "rehandling") and a.recontacted_at is None:
                forms.add("recontact", RecontactForm)
        if a.role == Assignment.Role.CO and state_has(p, "countersigning") and lead_reply:
            signed = any(c.assignment_id == a.pk for c in lead_reply.countersigns.all())
            if not signed:
                ctx["countersign_reply"] = lead_reply
                forms.add("countersign", lambda: CountersignForm(initial={"text": lead_reply.text}))


def _rating_forms(ctx, page, user, may, current_round, forms: _Forms) -> None:
    p = page.proposal
    rating = state_has(p, "rating")
    ctx["is_signer"] = any(u.pk == user.pk for u in signers(p)) if rating else False
    sent_now = [r for r in current_round if r.status == Reply.Status.SENT]
    ratings_now = [r for r in page.ratings if r.reply_id in {x.pk for x in sent_now}]
    ctx["my_rating"] = next((r for r in ratings_now if r.rater_id == user.pk), None)
    if rating and ctx["is_signer"] and (ctx["my_rating"] is None or "rating" in forms.given):
        forms.add("rating", RatingForm)
    if rating and may["paper"]:
        rated = {r.rater_id for r in ratings_now}
        pending = [u for u in signers(p) if u.pk not in rated]
        if pending:
            forms.add("paper", lambda: PaperRatingForm(raters=pending))


def _actions(ctx, page, f: dict) -> None:
    """Each permitted action, linked to its form when the form is on this page (even while its condition waits for
    that form's data)."""
    present = {
        "act-review": "review" in f,
        "act-classify": "classify" in f,
        "act-plan": "plan" in f,
        "act-reply": "reply" in f,
        "act-unit": bool(ctx.get("returnable")),
        "act-returns": bool(ctx.get("returned")),
        "act-supervise": "approve" in f,
    }
    for a in page.transitions:
        if a.permitted:
            anchor = FORM_TRANSITIONS.get(a.key)
            ctx["own_actions"].append((a, anchor if present.get(anchor) else None))
    ctx["has_forms"] = bool(f) or bool(ctx.get("invitation")) or bool(ctx.get("to_receive"))


def _extras(ctx, page, user, given: dict, f: dict) -> None:
    """Merge candidates, unit suggestions, errors of refused forms not on the page, the report a conversion made."""
    p = page.proposal
    ctx["dissatisfied_comments"] = [r for r in page.ratings if r.satisfaction == Rating.Satisfaction.DISSATISFIED]
    if "review" in f and "merge_into" in f["review"].fields:
        ctx["merge_candidates"] = similar.merge_candidates(user, p)
    if "plan" in f:
        ctx["unit_suggestions"] = similar.unit_suggestions(p)
    # A refused form whose section is not on the page in this state (e.g. a rating after the rating step, a key
    # proposal before filing): its errors still show, on top, instead of a silent 422.
    ctx["orphan_errors"] = [
        str(error)
        for name, form in given.items()
        if f.get(name) is not form and form.is_bound
        for errors in form.errors.values()
        for error in errors
    ]
    if p.outcome == Proposal.Outcome.CONVERTED:
        # 转为意见建议: the report it became in the opinions pipeline, linked for those who may open it.
        report = opinion_selectors.report_for_source(p)
        if report is not None:
            ctx["converted_report"] = report
            ctx["may_open_report"] = rules.has_perm("opinions.view_report", user, report)


def _contacts(ctx, page, user, my_assignments, forms: _Forms) -> None:
    """办理协商 records: read once a unit has received the proposal; shown to the units, the office and the signers;
    a signer answers the records still waiting for him."""
    p = page.proposal
    received = any(a.received_at is not None for a in page.assignments)
    contacts = list(p.contacts.select_related("assignment__unit").order_by("recorded_at", "id")) if received else []
    ctx["contacts"] = contacts
    if not contacts:
        return
    ctx["is_contact_signer"] = is_signer(user, p)
    pending = [c for c in contacts if c.response == HandlingContact.Response.PENDING]
    if pending and ctx["is_contact_signer"]:
        ctx["contact_to_answer"] = pending[0]
        forms.add("contact_response", ContactResponseForm)


def _signed_letters(ctx, user, replies) -> None:
    """The scanned signed letters of each reply (read only where the reader may read the letter), and whether the
    reader may add one: the replying unit's officers, or a proposer once the reply reached him."""
    letter_ids = {x.pk for x in ctx["letters"]}
    readable = [r for r in replies if r.pk in letter_ids and getattr(r, "has_signed_letters", True)]
    rows = SignedLetter.objects.filter(reply__in=readable).order_by("uploaded_at", "id") if readable else []
    by_reply: dict[int, list] = {}
    for row in rows:
        by_reply.setdefault(row.reply_id, []).append(row)
    mine = {a.unit_id for a in ctx["my_assignments"]}
    for r in replies:
        r.signed = by_reply.get(r.pk, [])
        live = r.status not in (Reply.Status.SUPERSEDED, Reply.Status.SENT_BACK)
        r.may_upload_signed = live and (
            r.assignment.unit_id in mine or (r.status == Reply.Status.SENT and ctx.get("is_reader_signer", False))
        )


def _promises(replies) -> None:
    """Each sent reply's promise with the outcome that tracks it (read only when a reply promised something)."""
    promised = [r for r in replies if r.promise_due_on and r.status == Reply.Status.SENT]
    tracked = {o.origin_id: o for o in consultation_selectors.outcomes_of_origins(promised)} if promised else {}
    for r in replies:
        r.promise_outcome = tracked.get(r.pk)


def page_context(request, page, given: dict) -> dict:
    """The detail page's context; `given` holds refused forms to show again with their data and errors."""
    user = request.user
    p = page.proposal
    org = p.organization_id
    may = _may(user, p)
    mine = officer_unit_ids(user, org)
    my_assignments = [a for a in page.assignments if a.unit_id in mine]
    current_round = [r for r in page.replies if r.round == p.reply_round]
    lead_reply = next(
        (r for r in current_round if r.status == Reply.Status.COUNTERSIGNING and r.assignment.role == "lead"), None
    )
    allowed = {a.key for a in page.transitions if a.allowed}
    ctx: dict = {
        "proposal": p,
        "page": page,
        "state": p.state.key if p.state_id else "",
        "is_draft": state_has(p, "draft"),
        "may": may,
        "my_assignments": my_assignments,
        "forms": {},
        "own_actions": [],
        "others_actions": [a for a in page.transitions if not a.permitted],
        "is_signer": False,
        "my_rating": None,
        "letters": [r for r in page.replies if may_read_letter(user, r)],
    }
    forms = _Forms(given, ctx["forms"])
    _contacts(ctx, page, user, my_assignments, forms)
    _member_forms(ctx, page, user, may, forms)
    _office_forms(ctx, page, may, forms)
    _unit_forms(ctx, page, my_assignments, lead_reply, forms)
    _unit_key_candidate(ctx, page, user, may, my_assignments, forms)
    if "approve_reply" in allowed:
        forms.add("approve", ApproveForm)
    if "send_back" in allowed:
        forms.add("send_back", SendBackForm)
    _rating_forms(ctx, page, user, may, current_round, forms)
    # Co-handlers' opinions and replies still in countersigning or review are internal: the member sees a reply
    # once it reached them.
    internal = bool(my_assignments) or any(
        has_role(user, r, org) for r in (Role.PROPOSALS_STAFF, Role.SUPERVISOR, Role.LEADER)
    )
    ctx["show_internal"] = internal
    ctx["visible_replies"] = [r for r in page.replies if internal or r.status == Reply.Status.SENT]
    _promises(ctx["visible_replies"])
    ctx["is_reader_signer"] = any(r.status == Reply.Status.SENT for r in ctx["visible_replies"]) and is_signer(user, p)
    _signed_letters(ctx, user, ctx["visible_replies"])
    ctx["to_publish"] = [r for r in page.replies if r.status == Reply.Status.SENT and not r.is_published]
    _actions(ctx, page, ctx["forms"])
    _extras(ctx, page, user, given, ctx["forms"])
    return ctx
