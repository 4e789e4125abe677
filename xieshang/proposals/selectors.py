"""Reads on proposals: settings and lists of the organization, each role's queue (joined and prefetched for its page,
with a query count that does not grow with the data), the detail with its history, public disclosure data.
Statistics live in statistics.py."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Case, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.accounts.models import Role, RoleGrant, User
from xieshang.accounts.selectors import has_role
from xieshang.core.privacy import mask_name, mask_personal_data, mask_phone
from xieshang.workflow.models import State
from xieshang.workflow.selectors import available_transitions, events_for, state_ids_tagged, state_tag

from . import visibility
from .models import (
    Assignment,
    Category,
    CoSignature,
    Countersign,
    HandlingContact,
    KeyAssessment,
    KeyCandidate,
    KeyMeeting,
    KeyMilestone,
    KeyProgress,
    KeySupervisor,
    NotFiledGround,
    Proposal,
    ProposalSettings,
    Rating,
    Reply,
    SignedLetter,
)

if TYPE_CHECKING:
    from xieshang.accounts.models import Organization

OVERSEER_ROLES = visibility.OVERSEER_ROLES
# The queues' default filters are phase tags of the state (workflows.py): where the proposals office acts (closed
# proposals wait for the year-end archiving run, not in the daily queue: filter states=("closed",) for them), the
# assignment queue, and the unit inbox.
STAFF_TAG = "office"
ASSIGNMENT_TAG = "assignment_queue"
UNIT_TAG = "unit"


def _org_id(organization: Organization | int) -> Any:
    return getattr(organization, "pk", organization)


# relations: who stands in which relation to a proposal (read by roles, rules, services and pages)


ACTIVE = (Assignment.Status.PENDING, Assignment.Status.RECEIVED)
_UNITS_ATTR = "_proposal_officer_units"


def officer_unit_ids(user: User, organization_id: Any) -> set[int]:
    """The handling units of the organization the user answers for, cached on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    if not has_role(user, Role.UNIT_OFFICER, organization_id):
        # Units are held through unit-officer grants, which the request's role cache already lists: no query for
        # the many users (staff, members) who hold none.
        return set()
    cache = getattr(user, _UNITS_ATTR, None)
    if cache is None:
        cache = {}
        setattr(user, _UNITS_ATTR, cache)
    if organization_id not in cache:
        # Only units of this organization: a grant naming another organization's unit gives no right here (and the
        # unit inbox relies on it to filter without joining the proposals).
        cache[organization_id] = set(
            RoleGrant.objects.filter(
                user=user,
                organization_id=organization_id,
                role=Role.UNIT_OFFICER,
                handling_unit__organization_id=organization_id,
            ).values_list("handling_unit_id", flat=True)
        )
    units: set[int] = cache[organization_id]
    return units


def current_assignments(obj: Any, roles: Any = None, statuses: Any = ACTIVE) -> list[Assignment]:
    """The proposal's assignments in the statuses (active by default), of the roles (any by default)."""
    found = [a for a in all_assignments(obj) if a.status in statuses]
    return [a for a in found if roles is None or a.role in roles]


def all_assignments(obj: Any) -> list[Assignment]:
    """Every assignment of the proposal, read once per instance."""
    # Prefetched by the selectors; otherwise read once per instance (the engine hands conditions, hooks and the
    # notifier a freshly locked instance per transition; hooks that change assignments call forget_assignments).
    cache = getattr(obj, "_prefetched_objects_cache", {})
    if "assignments" in cache:
        return list(cache["assignments"])
    found: list[Assignment] | None = obj.__dict__.get("_assignments_cache")
    if found is None:
        found = list(Assignment.objects.filter(proposal_id=obj.pk))
        obj.__dict__["_assignments_cache"] = found
    return found


def forget_assignments(obj: Any) -> None:
    """Drop the assignments read for this instance (after a write that changes them)."""
    obj.__dict__.pop("_assignments_cache", None)
    getattr(obj, "_prefetched_objects_cache", {}).pop("assignments", None)


def unit_officers(unit_ids: Any, organization_id: Any) -> list[User]:
    """The active officers of the units in the organization."""
    if not unit_ids:
        return []
    return list(
        User.objects.filter(
            is_active=True,
            role_grants__organization_id=organization_id,
            role_grants__role=Role.UNIT_OFFICER,
            role_grants__handling_unit_id__in=list(unit_ids),
        ).distinct()
    )


def is_signer(user: User, obj: Any) -> bool:
    """The lead and every co-signer whose signature counts (given before the deadline)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if obj.submitter_id == user.pk:
        return True
    return CoSignature.objects.filter(
        proposal_id=obj.pk, user_id=user.pk, status=CoSignature.Status.SIGNED, counts=True
    ).exists()


def signers(obj: Any) -> list[Any]:
    """The lead first, then the co-signers whose signature counts, in the order they were invited."""
    people = [obj.submitter]
    people += [
        c.user
        for c in CoSignature.objects.filter(proposal_id=obj.pk, status=CoSignature.Status.SIGNED, counts=True)
        .select_related("user")
        .order_by("id")
    ]
    return people


def current_replies(obj: Any) -> list[Reply]:
    """The replies of the proposal's current round that reached the signers."""
    return list(Reply.objects.filter(proposal_id=obj.pk, round=obj.reply_round, status=Reply.Status.SENT))


# settings and reference lists


def settings_for(organization: Organization | int) -> ProposalSettings:
    """The organization's ProposalSettings, or an unsaved row with the defaults (core.models.OrganizationSettings:
    cached, cleared when the row is saved or deleted)."""
    return ProposalSettings.for_organization(organization)


def categories_for(organization: Organization | int) -> QuerySet[Category]:
    """The organization's own active categories if it has any, else the seeded defaults."""
    org_id = _org_id(organization)
    own = Category.objects.filter(organization_id=org_id, is_active=True)
    if own.exists():
        return own.order_by("order", "id")
    return Category.objects.filter(organization__isnull=True, is_active=True).order_by("order", "id")


def grounds_for(organization: Organization | int) -> QuerySet[NotFiledGround]:
    org_id = _org_id(organization)
    own = NotFiledGround.objects.filter(organization_id=org_id, is_active=True)
    if own.exists():
        return own.order_by("order", "id")
    return NotFiledGround.objects.filter(organization__isnull=True, is_active=True).order_by("order", "id")


def workflow_setting(proposal: Proposal, key: str, default: Any = None) -> Any:
    """A value from the proposal's workflow settings (signing days, fast-track deadlines …)."""
    workflow = proposal.workflow if proposal.workflow_id else None
    return (workflow.settings or {}).get(key, default) if workflow else default


# base querysets


def _assignment_prefetch() -> Prefetch[Any, Any, Any]:
    return Prefetch(
        "assignments",
        queryset=Assignment.objects.select_related("unit").lead_first(),
    )


def list_queryset() -> QuerySet[Proposal]:
    """Every list page's rows: state, category, lead, sector and committee joined; assignments with units prefetched."""
    return Proposal.objects.select_related("state", "category", "submitter", "sector", "committee").prefetch_related(
        _assignment_prefetch()
    )


def _is_overseer(user: User, organization: Organization) -> bool:
    return any(has_role(user, role, organization) for role in OVERSEER_ROLES)


def visible_proposals(user: User, organization: Organization) -> QuerySet[Proposal]:
    """What the user may see in the organization (visibility.PROPOSAL): overseers every submitted proposal; members
    their own and co-signed; unit officers what their units were assigned."""
    return visibility.PROPOSAL.filter(list_queryset(), user, organization)


def get_proposal_for_user(user: User, pk: int, *, for_update: bool = False) -> Proposal:
    """The proposal if the user may see it: 404 when it does not exist or belongs to an organization the user is
    not in (outsiders learn nothing), 403 when the user is in the organization but has no right to it."""
    from xieshang.accounts.selectors import user_organization_ids

    # What every caller reads (the state, the workflow, the organization, the lead) is joined; the category, sector
    # and committee come with a query of their own when a page asks for them. PostgreSQL plans a join of eight tables
    # in ~2 ms, longer than it takes to run it: a transition's POST paid that for rows it never read (issue #18).
    qs = Proposal.objects.select_related("state", "workflow", "organization", "submitter")
    if for_update:
        # no joins under a row lock (see services._lock)
        qs = Proposal.objects.select_for_update()
    proposal = qs.filter(pk=pk, organization_id__in=user_organization_ids(user)).first()
    if proposal is None:
        raise Http404(_("没有找到该提案。"))
    import rules

    if not rules.has_perm("proposals.view_proposal", user, proposal):
        raise PermissionDenied(_("您无权查看该提案。"))
    return proposal


# queues


def member_proposals(user: User, organization: Organization | int) -> QuerySet[Proposal]:
    """The member's own proposals (as lead) and those co-signed, newest first."""
    org_id = _org_id(organization)
    cosigned = CoSignature.objects.filter(proposal=OuterRef("pk"), user_id=user.pk, status="signed")
    return (
        list_queryset()
        .filter(organization_id=org_id)
        .filter(Q(submitter_id=user.pk) | Exists(cosigned))
        .annotate(is_lead=Case(When(submitter_id=user.pk, then=Value(True)), default=Value(False)))
        .order_by("-created_at", "-id")
    )


def cosign_invitations(user: User, organization: Organization | int) -> QuerySet[CoSignature]:
    """Open invitations to co-sign, with the proposal and its lead."""
    return (
        CoSignature.objects.filter(
            user_id=user.pk, status=CoSignature.Status.INVITED, proposal__organization_id=_org_id(organization)
        )
        .exclude(proposal__state__is_final=True)
        .select_related("proposal", "proposal__submitter", "proposal__state")
        .order_by("proposal__cosign_deadline", "id")
    )


def awaiting_rating(user: User, organization: Organization | int) -> QuerySet[Proposal]:
    """Replies the member (lead or counted co-signer) still has to rate."""
    org_id = _org_id(organization)
    rated = Rating.objects.filter(proposal=OuterRef("pk"), rater_id=user.pk, reply__round=OuterRef("reply_round"))
    # "lead OR counted co-signer" as the UNION of two indexed reads (submitter; the member's co-signatures): as an
    # OR with EXISTS it walked the whole organization's proposals in queue order (~490 ms at 100k).
    led = Proposal.objects.filter(organization_id=org_id, submitter_id=user.pk).order_by().values("pk")
    signed = CoSignature.objects.filter(user_id=user.pk, status="signed", counts=True).order_by().values("proposal_id")
    return (
        list_queryset()
        .filter(state_tag("rating").q(), organization_id=org_id)
        .filter(pk__in=led.union(signed, all=True))
        .exclude(Exists(rated))
        .order_by("due_on", "id")
    )


@dataclass
class QueueFilters:
    """A queue's filters. `states` (keys the user picked from the workflow) win over `tag` (the queue's default)."""

    states: tuple[str, ...] | None = None
    tag: str | None = None
    category: int | None = None
    sector: int | None = None
    unit: int | None = None
    year: int | None = None
    is_key: bool | None = None
    fast_track: bool | None = None
    kind: str | None = Proposal.Kind.PROPOSAL
    overdue: bool | None = None
    search: str = ""


def _filter(qs: QuerySet[Proposal], f: QueueFilters) -> QuerySet[Proposal]:
    # a literal list of state ids rather than a join or subquery on the key: the planner then counts and pages
    # the queue from the (organization, kind, state, due_on) index
    if f.states:
        qs = qs.filter(
            state_id__in=list(State.objects.filter(key__in=f.states).order_by().values_list("pk", flat=True))
        )
    elif f.tag:
        qs = qs.filter(state_tag(f.tag).q())
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.category:
        qs = qs.filter(category_id=f.category)
    if f.sector:
        qs = qs.filter(sector_id=f.sector)
    if f.unit:
        qs = qs.filter(
            Exists(Assignment.objects.filter(proposal=OuterRef("pk"), unit_id=f.unit).exclude(status="replaced"))
        )
    if f.year:
        qs = qs.filter(year=f.year)
    if f.is_key is not None:
        qs = qs.filter(is_key=f.is_key)
    if f.fast_track is not None:
        qs = qs.filter(fast_track=f.fast_track)
    if f.overdue:
        qs = qs.filter(Q(overdue=True) | Q(due_on__lt=timezone.localdate()))
    if f.search:
        qs = qs.filter(Q(title__icontains=f.search) | Q(number__icontains=f.search))
    return qs


def staff_queue(organization: Organization | int, filters: QueueFilters | None = None) -> QuerySet[Proposal]:
    """The proposals office's queue: by default every proposal in a state where the office acts, oldest due first."""
    f = filters or QueueFilters()
    if not f.states and not f.tag:
        f = QueueFilters(**{**f.__dict__, "tag": STAFF_TAG})
    qs = list_queryset().filter(organization_id=_org_id(organization))
    return _filter(qs, f).order_by("due_on", "submitted_at", "id")


def assignment_queue(organization: Organization, filters: QueueFilters | None = None) -> QuerySet[Proposal]:
    """Numbered proposals awaiting an assignment plan, approved plans to send, and returns to decide."""
    f = filters or QueueFilters()
    f = QueueFilters(**{**f.__dict__, "tag": f.tag or ASSIGNMENT_TAG})
    return staff_queue(organization, f)


def unit_inbox(user: User, organization: Organization | int, *, include_done: bool = False) -> QuerySet[Assignment]:
    """The assignments of the officer's units, with the proposal, its state and due date, and an overdue mark
    (Assignment.is_overdue): receipts awaiting signature, proposals being handled, replies to countersign, rehandling.

    Filtered, counted and sorted on the assignment table alone: the officer's units are those of this organization
    (officer_unit_ids), an assignment only ever names a unit of its proposal's organization (services._units), and
    the proposal's state and due date are copied onto the assignment on every transition (hooks.sync_due),
    indexed (unit, proposal_state, status, proposal_due_on, id). The joins only fetch the page's rows."""
    units = officer_unit_ids(user, _org_id(organization))
    qs = Assignment.objects.filter(unit_id__in=sorted(units))
    if include_done:
        qs = qs.exclude(status=Assignment.Status.PLANNED)
    else:
        qs = qs.filter(
            status__in=[Assignment.Status.PENDING, Assignment.Status.RECEIVED],
            proposal_state_id__in=state_ids_tagged(UNIT_TAG),
        )
    # The page of assignments is read, sorted and cut from this table alone; then the proposals of that page (with
    # state and submitter, without their long texts) in a second query by primary key. Joined in one query, the
    # planner joined every matching assignment (~700 per unit at 100k proposals) before sorting and cutting.
    # No annotation (is_overdue is read from the prefetched proposal): the page's count stays an index count.
    proposals = Proposal.objects.select_related("state", "submitter").defer("body", "outcome_reason")
    return (
        qs.select_related("unit")
        .prefetch_related(Prefetch("proposal", queryset=proposals))
        .order_by("proposal_due_on", "id")
    )


def supervisor_queue(organization: Organization | int) -> QuerySet[Proposal]:
    """Replies awaiting the supervisor's review, with the current round's replies prefetched."""
    return (
        list_queryset()
        .filter(state_tag("supervision").q(), organization_id=_org_id(organization))
        .prefetch_related(
            Prefetch(
                "replies",
                queryset=Reply.objects.filter(status=Reply.Status.IN_REVIEW).select_related("assignment__unit"),
                to_attr="replies_in_review",
            )
        )
        .order_by("due_on", "id")
    )


def key_proposals(user: User, organization: Organization | int, *, only_mine: bool = True) -> QuerySet[Proposal]:
    """Key proposals (重点提案): those the leader leads or supervises by default, or all of the organization; each
    with its plan's next open milestone (next_what, next_due_on)."""
    qs = list_queryset().filter(organization_id=_org_id(organization), is_key=True).select_related("key_leader")
    if only_mine:
        supervises = KeySupervisor.objects.filter(proposal_id=OuterRef("pk"), user_id=user.pk)
        qs = qs.filter(Q(key_leader_id=user.pk) | Exists(supervises))
    open_steps = KeyMilestone.objects.filter(proposal_id=OuterRef("pk"), done_at__isnull=True).order_by("due_on", "id")
    qs = qs.annotate(
        next_due_on=Subquery(open_steps.values("due_on")[:1]), next_what=Subquery(open_steps.values("what")[:1])
    )
    return qs.order_by("state__is_final", "next_due_on", "due_on", "id")


def leader_approvals(organization: Organization | int) -> QuerySet[Proposal]:
    """Assignment plans awaiting a leader's approval."""
    return (
        list_queryset()
        .filter(state_tag("approval").q(), organization_id=_org_id(organization))
        .order_by("due_on", "id")
    )


# detail


@dataclass
class ProposalPage:
    proposal: Proposal
    events: list[Any]
    cosignatures: list[Any]
    assignments: list[Any]
    replies: list[Any]
    ratings: list[Any]
    attachments: list[Any]
    transitions: list[Any]


def proposal_detail(user: User, pk: int) -> ProposalPage:
    """Everything the proposal page shows, in a fixed number of queries: the proposal, its history (events_for),
    co-signatures, assignments with units, replies with countersigns, ratings, attachments and the transitions the
    user may take (refused ones with the reason, from the cached workflow definition: the proposal comes with its
    workflow row, whose version says whether the cache is current). A reply needs an assignment and a rating a reply,
    so a proposal without assignments skips those reads (fewer queries, never more)."""
    proposal = get_proposal_for_user(user, pk)
    assignments = list(proposal.assignments.select_related("unit").lead_first())
    # The relational-role checks below read the prefetched assignments instead of querying per transition.
    # (Django's private prefetch cache, which the stubs do not declare: written through __dict__ as it is cleared.)
    proposal.__dict__["_prefetched_objects_cache"] = {"assignments": assignments}
    replies = []
    if assignments:
        replies = list(
            proposal.replies.select_related("assignment__unit", "submitted_by")
            .prefetch_related(Prefetch("countersigns", queryset=_countersigns()))
            # whether a signed letter was uploaded: the letters are read only for the replies that have one
            .annotate(has_signed_letters=Exists(SignedLetter.objects.filter(reply_id=OuterRef("pk"))))
            .order_by("round", "id")
        )
    ratings = []
    if replies:
        ratings = list(proposal.ratings.select_related("rater", "entered_by").order_by("created_at", "id"))
    return ProposalPage(
        proposal=proposal,
        events=list(events_for(proposal)),
        cosignatures=list(proposal.cosignatures.select_related("user").order_by("invited_at", "id")),
        assignments=assignments,
        replies=replies,
        ratings=ratings,
        attachments=list(proposal.attachments.order_by("uploaded_at", "id")),
        transitions=available_transitions(user, proposal),
    )


def _countersigns() -> QuerySet[Countersign]:
    return Countersign.objects.select_related("assignment__unit", "user").order_by("signed_at", "id")


# public disclosure


def public_replies(organization: Organization | int, *, year: int | None = None) -> list[dict[str, Any]]:
    """Published replies with contact data masked (the person's name and phone), newest first."""
    qs = (
        Reply.objects.filter(proposal__organization_id=_org_id(organization), is_published=True)
        .select_related("proposal", "proposal__category", "assignment__unit")
        .order_by("-published_at", "-id")
    )
    if year:
        qs = qs.filter(proposal__year=year)
    return [
        {
            "id": r.pk,
            "proposal_number": r.proposal.number,
            "title": r.proposal.title,
            "category": r.proposal.category.name if r.proposal.category is not None else "",
            "unit": r.assignment.unit.name,
            "reference_number": r.reference_number,
            "grade": r.grade,
            "text": mask_personal_data(r.text),
            "contact_person": mask_name(r.contact_person),
            "contact_phone": mask_phone(r.contact_phone),
            "sent_at": r.sent_at,
            "published_at": r.published_at,
        }
        for r in qs
    ]


def replies_to_publish(organization: Organization | int) -> QuerySet[Reply]:
    """Sent replies not yet published, soonest publication deadline first (overdue ones included): the staff's
    publication queue."""
    return (
        Reply.objects.filter(
            proposal__organization_id=_org_id(organization), status=Reply.Status.SENT, is_published=False
        )
        .select_related("proposal", "assignment__unit")
        .order_by("publish_due_on", "id")
    )


def contacts_awaiting(user: User, organization: Any) -> QuerySet[HandlingContact]:
    """办理协商 records of the member's own proposals that wait for his confirmation, oldest first."""
    return (
        HandlingContact.objects.filter(
            proposal__submitter_id=user.pk,
            proposal__organization_id=_org_id(organization),
            response=HandlingContact.Response.PENDING,
        )
        .select_related("proposal", "assignment__unit")
        .order_by("recorded_at", "id")
    )


# key proposals: selection and supervision (decision 0028)


def staff_committee_ids(user: User, organization_id: Any) -> set[int]:
    """The special committees of the organization whose staff the user is (committee-staff grants naming one)."""
    if user is None or not has_role(user, Role.COMMITTEE_STAFF, organization_id):
        return set()
    return set(
        RoleGrant.objects.filter(
            user_id=user.pk, organization_id=organization_id, role=Role.COMMITTEE_STAFF, committee__isnull=False
        ).values_list("committee_id", flat=True)
    )


def key_proposable(user: User, organization: Organization | int) -> QuerySet[Proposal]:
    """Filed proposals not yet key nor candidates that a handling unit's officer (his units' assignments) or a
    special committee's staff (the committee's proposals) may put forward (decision 0031)."""
    org_id = _org_id(organization)
    units = officer_unit_ids(user, org_id)
    committees = staff_committee_ids(user, org_id)
    if not units and not committees:
        return Proposal.objects.none()
    mine = Q(committee_id__in=committees)
    if units:
        mine |= Q(Exists(Assignment.objects.filter(proposal_id=OuterRef("pk"), unit_id__in=units, status__in=ACTIVE)))
    open_candidacy = KeyCandidate.objects.filter(proposal_id=OuterRef("pk"), status=KeyCandidate.Status.PROPOSED)
    return (
        Proposal.objects.filter(
            mine,
            organization_id=org_id,
            kind=Proposal.Kind.PROPOSAL,
            outcome=Proposal.Outcome.FILED,
            is_key=False,
            state__is_final=False,
        )
        .exclude(Exists(open_candidacy))
        .order_by("number", "id")
    )


def key_assessments(proposal: Proposal) -> list[KeyAssessment]:
    """The supervising leaders' assessments of the proposal's handling, by year."""
    return list(proposal.key_assessments.select_related("supervisor").order_by("year", "supervisor_id", "id"))


def disputed_contacts(organization: Organization | int) -> QuerySet[HandlingContact]:
    """办理协商 records a member disputed, on proposals still open: flagged to the supervisors (decision 0031)."""
    return (
        HandlingContact.objects.filter(
            proposal__organization_id=_org_id(organization), response=HandlingContact.Response.DISPUTED
        )
        .exclude(proposal__state__is_final=True)
        .select_related("proposal", "assignment__unit", "responded_by")
        .order_by("-responded_at", "-id")
    )


def open_key_candidates(organization: Organization | int) -> QuerySet[KeyCandidate]:
    """Candidates awaiting the chairpersons' meeting, in the order they were put forward."""
    return (
        KeyCandidate.objects.filter(
            proposal__organization_id=_org_id(organization), status=KeyCandidate.Status.PROPOSED
        )
        .select_related("proposal", "proposed_by", "proposer_unit", "proposer_committee")
        .order_by("proposed_at", "id")
    )


def key_meetings(user: User, organization: Organization | int) -> QuerySet[KeyMeeting]:
    """The chairpersons' meetings with their decided candidates: every one for the proposals office, the published
    ones for everyone else."""
    qs = KeyMeeting.objects.filter(organization_id=_org_id(organization))
    if not has_role(user, Role.PROPOSALS_STAFF, organization):
        qs = qs.filter(published_at__isnull=False)
    rows = KeyCandidate.objects.select_related("proposal", "proposal__submitter").order_by("status", "proposal_id")
    return qs.prefetch_related(Prefetch("candidates", queryset=rows)).order_by("-held_on", "-id")


def open_candidacy(proposal: Proposal) -> KeyCandidate | None:
    """The proposal's candidacy awaiting the chairpersons' meeting, if any."""
    return (
        KeyCandidate.objects.filter(proposal_id=proposal.pk, status=KeyCandidate.Status.PROPOSED)
        .select_related("proposed_by")
        .first()
    )


@dataclass
class KeyPage:
    proposal: Proposal
    candidacy: KeyCandidate | None
    supervisors: list[KeySupervisor]
    milestones: list[KeyMilestone]
    instructions: list[Any]
    unit_names: list[str]


def key_page(user: User, pk: int) -> KeyPage:
    """A key proposal's supervision page: 404 outside the user's organizations, 403 without the right to read it."""
    import rules

    from xieshang.accounts.selectors import user_organization_ids

    proposal = (
        Proposal.objects.select_related("state", "workflow", "submitter", "key_leader")
        .filter(pk=pk, organization_id__in=user_organization_ids(user), is_key=True)
        .first()
    )
    if proposal is None:
        raise Http404(_("没有找到该重点提案。"))
    if not rules.has_perm("proposals.view_key_supervision", user, proposal):
        raise PermissionDenied(_("您无权查看该重点提案的督办情况。"))
    candidacy = (
        KeyCandidate.objects.filter(proposal=proposal, status=KeyCandidate.Status.CHOSEN)
        .select_related("meeting")
        .order_by("-id")
        .first()
    )
    milestones = list(
        proposal.key_milestones.prefetch_related(
            Prefetch("reports", queryset=KeyProgress.objects.select_related("unit"))
        )
    )
    return KeyPage(
        proposal=proposal,
        candidacy=candidacy,
        supervisors=list(proposal.key_supervisors.select_related("user")),
        milestones=milestones,
        instructions=list(proposal.key_instructions.all()),
        unit_names=[
            a.unit.name
            for a in Assignment.objects.filter(proposal=proposal, status__in=ACTIVE).select_related("unit").lead_first()
        ],
    )


# Units' annual handling reports (decision 0030); their figures are counted in unit_records.py.


def unit_reports_for(user: User, organization: Organization | int, year: int | None = None) -> QuerySet[Any]:
    """The reports the user may read in the organization: every report for the office, supervisors and leaders; the
    own units' reports and the published ones for a unit officer; the published ones for members."""
    from .models import UnitReport

    org_id = _org_id(organization)
    qs = UnitReport.objects.filter(organization_id=org_id).select_related("unit")
    if year is not None:
        qs = qs.filter(year=year)
    if any(has_role(user, r, org_id) for r in (Role.PROPOSALS_STAFF, Role.SUPERVISOR, Role.LEADER)):
        return qs.order_by("-year", "unit__name", "id")
    mine = officer_unit_ids(user, org_id)
    return qs.filter(Q(status=UnitReport.Status.PUBLISHED) | Q(unit_id__in=sorted(mine))).order_by(
        "-year", "unit__name", "id"
    )


def get_unit_report_for_user(user: User, pk: int) -> Any:
    """A report: 404 outside the user's organizations, 403 without the right to read it."""
    import rules

    from xieshang.accounts.selectors import user_organization_ids

    from .models import UnitReport

    report = (
        UnitReport.objects.select_related("unit", "organization", "submitted_by", "reviewed_by", "published_by")
        .filter(pk=pk, organization_id__in=user_organization_ids(user))
        .first()
    )
    if report is None:
        raise Http404
    if not rules.has_perm("proposals.view_unit_report", user, report):
        raise PermissionDenied
    return report


def unit_report_years(organization: Organization | int) -> list[int]:
    """The years in which the organization's units were assigned proposals, and this year, latest first."""
    org_id = _org_id(organization)
    years = set(
        Proposal.objects.filter(organization_id=org_id, assigned_at__isnull=False)
        .order_by()
        .values_list("year", flat=True)
        .distinct()
    )
    years.add(timezone.localdate().year)
    return sorted(years, reverse=True)


def published_unit_reports(organization: Organization | int) -> QuerySet[Any]:
    """The published reports, for the public portal of replies."""
    from .models import UnitReport

    return (
        UnitReport.objects.filter(organization_id=_org_id(organization), status=UnitReport.Status.PUBLISHED)
        .select_related("unit")
        .order_by("-year", "unit__name", "id")
    )


def report_year() -> int:
    """The year the units report on: the current year from November (when they write), the previous one before."""
    today = timezone.localdate()
    return today.year if today.month >= 11 else today.year - 1


def default_report_year(organization: Organization | int) -> int:
    """The latest year the organization has a unit report for, else report_year()."""
    from .models import UnitReport

    latest = (
        UnitReport.objects.filter(organization_id=_org_id(organization))
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
    return latest or report_year()
