"""Reads of consultations, rooms, topics and outcomes, scoped to the user's organizations and joined for the page.

A co-hosted consultation is visible to every host; its invitations only to the host that made them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from xieshang.accounts.models import Role
from xieshang.accounts.selectors import organization_id, roles_by_organization, user_organization_ids
from xieshang.notifications import selectors as follow_selectors
from xieshang.workflow.selectors import state_ids_tagged

from .models import (
    Article,
    Call,
    Consultation,
    Entry,
    Invitation,
    Kind,
    LiveMessage,
    Outcome,
    Photo,
    Progress,
    Room,
    Topic,
)
from .visibility import CONSULTATION, OUTCOME, OWNER, host_ids
from .workflows import CANCELLED, DECLINED, DONE, DRAFT, MEETING, SETTLED, TOOK_PLACE

if TYPE_CHECKING:
    from xieshang.accounts.models import Organization, User


def _consultations() -> QuerySet[Consultation]:
    return Consultation.objects.select_related("state", "committee", "organization").prefetch_related("hosts")


def consultations_for_user(user: User, organization: Organization | None = None) -> QuerySet[Consultation]:
    """Consultations hosted by one of the user's organizations (or by `organization`, if the user belongs to it)."""
    return CONSULTATION.filter(_consultations(), user, organization).order_by("-planned_date", "-id")


def plan_for(user: User, organization: Organization, year: int) -> QuerySet[Consultation]:
    return consultations_for_user(user, organization).filter(plan_year=year).order_by("planned_date", "id")


def get_consultation_for_user(user: User, pk: int) -> Consultation:
    consultation = get_object_or_404(_consultations(), pk=pk)
    import rules

    if not rules.has_perm("consultations.view_consultation", user, consultation):
        raise PermissionDenied
    return consultation


def staff_host_ids(user: User, consultation: Consultation) -> set[int]:
    """The hosts in which the user is committee staff or leader: whose invitations and attendance they see."""
    roles = roles_by_organization(user)
    staff = {Role.COMMITTEE_STAFF, Role.LEADER}
    if consultation.kind == Kind.HANDLING:  # run by the proposals office too (decision 0031)
        staff.add(Role.PROPOSALS_STAFF)
    return {o for o in host_ids(consultation) if roles.get(o, set()) & staff}


def timeline_for(user: User, consultation: Consultation) -> list[Any]:
    """The consultation's workflow events as this user may read them. Co-hosts share the timeline of a cross-region
    consultation, but not each other's staff: an action by someone of another host shows that host's name instead
    of the person's (the user's own organizations keep the names)."""
    from xieshang.accounts.models import RoleGrant
    from xieshang.workflow.selectors import events_for

    events = list(events_for(consultation))
    hosts = host_ids(consultation)
    if len(hosts) < 2:
        return events
    own = set(user_organization_ids(user)) & hosts
    actor_ids = {e.actor_id for e in events if e.actor_id}
    grants = RoleGrant.objects.filter(user_id__in=actor_ids, organization_id__in=hosts).values_list(
        "user_id", "organization_id", "organization__name"
    )
    home: dict[int, set[int]] = {}
    names: dict[int, str] = {}
    for user_id, org_id, org_name in grants:
        home.setdefault(user_id, set()).add(org_id)
        names.setdefault(user_id, org_name)
    for event in events:
        if event.actor_id and not (home.get(event.actor_id, set()) & own):
            event.actor_name = names.get(event.actor_id) or _("其他主办方")
    return events


def invitations_visible(user: User, consultation: Consultation) -> QuerySet[Invitation]:
    own_hosts = staff_host_ids(user, consultation)
    return (
        consultation.invitations.filter(Q(organization_id__in=own_hosts) | Q(user=user))
        .select_related("user", "organization")
        .order_by("organization_id", "id")
    )


def live_messages(consultation: Consultation, after: int = 0) -> QuerySet[LiveMessage]:
    return consultation.live_messages.filter(pk__gt=after).select_related("author", "organization")


def invitations_for_member(user: User) -> QuerySet[Invitation]:
    return (
        Invitation.objects.filter(user=user, consultation__state_id__in=state_ids_tagged(MEETING))
        .select_related("consultation", "consultation__state")
        .order_by("consultation__planned_date")
    )


# ---------------------------------------------------------------------------------------------------- rooms
def rooms_for(organization: Organization) -> QuerySet[Room]:
    return (
        Room.objects.filter(organization=organization)
        .select_related("community", "convener")
        .annotate(n_topics=Count("topics", distinct=True))
        .order_by("name")
    )


def topics_for_room(room: Room, user: User | None = None) -> QuerySet[Topic]:
    """The room's published topics, and the user's own awaiting moderation or rejected (he sees why)."""
    shown = Q(status=Topic.Moderation.PUBLISHED)
    if user is not None and getattr(user, "is_authenticated", False):
        shown |= Q(raised_by=user)
    return room.topics.filter(shown).select_related("state", "raised_by").order_by("-support_count", "-raised_at")


def topics_awaiting_moderation(organization: Organization) -> QuerySet[Topic]:
    """Topics of the organization's rooms waiting for committee staff (pre-moderation or a blocklist word)."""
    return (
        Topic.objects.filter(organization=organization, status=Topic.Moderation.PENDING)
        .select_related("room", "raised_by")
        .order_by("raised_at", "id")
    )


def topics_for_convener(user: User) -> QuerySet[Topic]:
    return (
        Topic.objects.filter(room__convener=user, status=Topic.Moderation.PUBLISHED)
        .exclude(state__is_final=True)
        .select_related("state", "room")
        .order_by("-raised_at")
    )


def followed_rooms(user: User) -> QuerySet[Room]:
    return (
        Room.objects.filter(pk__in=follow_selectors.followed_ids(user, Room))
        .select_related("community")
        .order_by("name")
    )


def practical_matters_done(organization: Organization, year: int | None = None) -> int:
    """办实事: room topics brought to completion (every outcome done or settled), for the annual statistics."""
    qs = Topic.objects.filter(organization=organization, state_id__in=state_ids_tagged(DONE))
    if year is not None:
        qs = qs.filter(done_at__year=year)
    return qs.count()


def consultations_by_kind(organization: Organization, year: int) -> dict[str, int]:
    rows = (
        Consultation.objects.filter(hosts=organization, plan_year=year, state_id__in=state_ids_tagged(TOOK_PLACE))
        .values("kind")
        .annotate(n=Count("id"))
    )
    return {r["kind"]: r["n"] for r in rows}


# ---------------------------------------------------------------------------------------------------- outcomes
def _outcomes() -> QuerySet[Outcome]:
    return Outcome.objects.select_related("state", "owner_unit", "owner_leader", "consultation", "topic__room")


def outcomes_for_user(user: User, organization: Organization | None) -> QuerySet[Outcome]:
    """Outcomes of the organization's consultations and rooms, and of consultations it co-hosts, that the user may
    see (visibility.OUTCOME)."""
    if organization is None:
        return Outcome.objects.none()
    return OUTCOME.filter(_outcomes(), user, organization).order_by("-created_at", "-id")


def outcomes_for_owner(user: User) -> QuerySet[Outcome]:
    """The open outcomes the user is responsible for (visibility.OWNER), in every organization."""
    return _outcomes().filter(OWNER.q(user)).exclude(state__is_final=True).order_by("due_on", "id")


def outcomes_of_origins(origins: Any) -> QuerySet[Outcome]:
    """The outcomes tracking the recommendations of the given records (all of one model), oldest first."""
    origins = list(origins)
    if not origins:
        return Outcome.objects.none()
    origin_type = ContentType.objects.get_for_model(origins[0], for_concrete_model=True)
    return (
        Outcome.objects.filter(origin_type=origin_type, origin_id__in=[o.pk for o in origins])
        .select_related("state", "owner_unit", "owner_leader")
        .order_by("created_at", "id")
    )


def consultations_of_origins(origins: Any) -> QuerySet[Consultation]:
    """The consultations held about the given records (all of one model; a key proposal's 提案办理协商), oldest
    first, each with its state, invitations and recommendations (outcomes with their state and owners)."""
    origins = list(origins)
    if not origins:
        return Consultation.objects.none()
    origin_type = ContentType.objects.get_for_model(origins[0], for_concrete_model=True)
    outcomes = Outcome.objects.select_related("state", "owner_unit", "owner_leader").order_by("created_at", "id")
    return (
        Consultation.objects.filter(origin_type=origin_type, origin_id__in=[o.pk for o in origins])
        .select_related("state")
        .prefetch_related(Prefetch("outcomes", queryset=outcomes), "invitations")
        .order_by("planned_date", "id")
    )


def get_outcome_for_user(user: User, pk: int) -> Outcome:
    outcome = get_object_or_404(_outcomes().prefetch_related("progress"), pk=pk)
    import rules

    if not rules.has_perm("consultations.view_outcome", user, outcome):
        raise PermissionDenied
    return outcome


def is_following(user: User, room: Room) -> bool:
    return follow_selectors.is_following(user, room)


# ---------------------------------------------------------------------------------------------------- portal
def public_consultations() -> QuerySet[Consultation]:
    return (
        Consultation.objects.filter(is_public=True)
        .exclude(state_id__in=state_ids_tagged(CANCELLED))
        .select_related("state", "organization")
        .order_by("-planned_date", "-id")
    )


def public_outcomes(**filters: Any) -> QuerySet[Outcome]:
    """Published outcomes (sent on), with residents' ratings counted: how many rated, how many were satisfied."""
    return (
        Outcome.objects.filter(is_public=True, **filters)
        .exclude(state_id__in=state_ids_tagged(DRAFT))
        .select_related("state")
        .annotate(n_ratings=Count("ratings"), n_satisfied=Count("ratings", filter=Q(ratings__score=3)))
    )


def public_rooms() -> QuerySet[Room]:
    return Room.objects.filter(is_public=True).select_related("community").order_by("name")


def public_topics(room: Room) -> QuerySet[Topic]:
    return (
        room.topics.filter(status=Topic.Moderation.PUBLISHED)
        .exclude(state_id__in=state_ids_tagged(DECLINED))
        .select_related("state")
        .prefetch_related(Prefetch("outcomes", queryset=public_outcomes()))
        .order_by("-raised_at")
    )


def _public_parent() -> Q:
    """Published items of a public consultation (not dropped) or a public room."""
    return (
        Q(consultation__is_public=True) & ~Q(consultation__state_id__in=state_ids_tagged(CANCELLED))
        | Q(room__is_public=True)
    ) & Q(is_published=True)


def public_articles(parent: Any = None) -> QuerySet[Article]:
    qs = Article.objects.filter(_public_parent()).select_related("consultation", "room")
    if parent is not None:
        qs = qs.filter(**{parent._meta.model_name: parent})
    return qs.order_by("-published_at", "-id")


def public_photos(parent: Any = None) -> QuerySet[Photo]:
    qs = Photo.objects.filter(_public_parent())
    if parent is not None:
        qs = qs.filter(**{parent._meta.model_name: parent})
    return qs.order_by("-created_at", "-id")


def media_for_staff(user: User, parent: Any) -> tuple[QuerySet[Article], QuerySet[Photo]]:
    """Every article and photo of the parent, published or not, for its staff page. Co-hosts see each other's
    published items on the portal; here each host's staff see their own organization's drafts and everything
    published."""
    own = set(staff_host_ids(user, parent)) if isinstance(parent, Consultation) else {parent.organization_id}
    visible = Q(organization_id__in=own) | Q(is_published=True)
    key = parent._meta.model_name
    return (
        Article.objects.filter(visible, **{key: parent}).select_related("organization", "created_by"),
        Photo.objects.filter(visible, **{key: parent}).select_related("organization"),
    )


# ---------------------------------------------------------------------------------------------------- people
def room_followers(room: Room) -> list[User]:
    """The residents following a room (told of new topics and of outcomes done)."""
    return follow_selectors.followers_of(room)


def outcome_owners(outcome: Outcome) -> list[User]:
    """The people responsible for an outcome: the officers of its responsible unit and its responsible leader."""
    from xieshang.accounts.models import User

    people: list[User] = []
    if outcome.owner_unit_id:
        people += list(
            User.objects.filter(
                is_active=True, role_grants__role=Role.UNIT_OFFICER, role_grants__handling_unit_id=outcome.owner_unit_id
            ).distinct()
        )
    if outcome.owner_leader is not None:
        people.append(outcome.owner_leader)
    return people


def open_outcomes(topic: Topic) -> QuerySet[Outcome]:
    """The topic's outcomes not yet settled (neither done nor not adopted)."""
    return topic.outcomes.exclude(state_id__in=state_ids_tagged(SETTLED))


# ---------------------------------------------------------------------------------------------------- public calls
def _calls() -> QuerySet[Call]:
    published = Count("entries", filter=Q(entries__status=Entry.Status.PUBLISHED))
    return Call.objects.select_related("consultation", "organization").annotate(n_published=published)


def calls_of(consultation: Consultation) -> QuerySet[Call]:
    """A consultation's calls, newest first, with how many entries each has published and awaiting decision."""
    pending = Count("entries", filter=Q(entries__status=Entry.Status.PENDING))
    return _calls().filter(consultation=consultation).annotate(n_pending=pending).order_by("-opens_at", "-id")


def _public_calls() -> QuerySet[Call]:
    return _calls().filter(consultation__is_public=True).exclude(consultation__state_id__in=state_ids_tagged(CANCELLED))


def open_calls(organization: Organization | int | None = None, now: Any = None) -> QuerySet[Call]:
    """Calls taking entries now, on public consultations hosted by `organization` (any, when None): the portal's
    "open calls", the soonest deadline first."""
    from django.utils import timezone

    now = now or timezone.now()
    qs = _public_calls().filter(opens_at__lte=now, closes_at__gt=now)
    if organization is not None:
        hosted = Consultation.hosts.through.objects.filter(
            consultation_id=OuterRef("consultation_id"), organization_id=organization_id(organization)
        )
        qs = qs.filter(Exists(hosted))
    return qs.order_by("closes_at", "id")


def public_calls_of(consultation: Consultation) -> QuerySet[Call]:
    return _calls().filter(consultation=consultation).order_by("-opens_at", "-id")


def get_call_for_user(user: User, pk: int) -> Call:
    """A call of a public consultation (anyone, signed in or not) or one the user may see through its consultation."""
    import rules

    call = get_object_or_404(_calls().select_related("consultation__state"), pk=pk)
    public = call.consultation.is_public and call.consultation.state_id not in state_ids_tagged(CANCELLED)
    if not public and not rules.has_perm("consultations.view_consultation", user, call.consultation):
        raise PermissionDenied
    return call


def published_entries(call: Call) -> QuerySet[Entry]:
    """The entries anyone may read: published ones, the most supported first. Authors are not named."""
    return call.entries.filter(status=Entry.Status.PUBLISHED).order_by("-support_count", "created_at", "id")


def entries_by(user: User, call: Call) -> QuerySet[Entry]:
    """What the user wrote in the call, with each entry's status and the reason given."""
    if not getattr(user, "is_authenticated", False):
        return Entry.objects.none()
    return call.entries.filter(author=user).order_by("-created_at", "-id")


def supported_entry_ids(user: User, call: Call) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(call.entries.filter(supports__user=user).values_list("pk", flat=True))


def moderation_queue(user: User, organization: Organization | None) -> QuerySet[Entry]:
    """Entries awaiting decision in the calls of consultations the user's organization hosts, if the user is its
    committee staff: appeals and blocklist matches first, then the oldest."""
    if organization is None or Role.COMMITTEE_STAFF not in roles_by_organization(user).get(organization.pk, set()):
        return Entry.objects.none()
    hosted = Consultation.hosts.through.objects.filter(
        consultation_id=OuterRef("call__consultation_id"), organization_id=organization.pk
    )
    return (
        Entry.objects.filter(Exists(hosted), status=Entry.Status.PENDING)
        .select_related("call__consultation", "author")
        .order_by(F("appealed_at").desc(nulls_last=True), "-flagged", "created_at", "id")
    )


def call_summary(call: Call, top: int = 10) -> dict[str, Any]:
    """What a call received: the count per status (every status, zeros included), the people who wrote, the
    supports given, and the most supported published entries."""
    rows = dict(call.entries.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    return {
        "by_status": [(label, rows.get(key, 0)) for key, label in Entry.Status.choices],
        "total": sum(rows.values()),
        "people": call.entries.values("author_id").distinct().count(),
        "supports": call.entries.aggregate(n=Count("supports"))["n"] or 0,
        "top": list(published_entries(call)[:top]),
    }


def call_map_digest(call: Call) -> dict[str, Any] | None:
    """The opinion map attached to the call, in words (deliberation.selectors.map_digest), or None."""
    conversation = call.conversation
    if conversation is None:
        return None
    from xieshang.deliberation.selectors import map_digest

    return map_digest(conversation)


def call_map_choices(call: Call) -> Any:
    """The opinion maps staff may attach to the call: the conversations of its organization."""
    from xieshang.deliberation.selectors import attachable_conversations

    return attachable_conversations(call.organization_id)


def unit_promises(organization_id: int, unit_ids: Any = None) -> QuerySet[Outcome]:
    """The promises of proposal replies (source "promise") owned by the given handling units (every unit when None),
    each annotated `kept`: its state carries the done tag (decision 0025; the units' evaluation reads them, decision
    0030, and picks the year's by their replies)."""
    from django.db.models import BooleanField, ExpressionWrapper

    qs = Outcome.objects.filter(organization_id=organization_id, source=Outcome.Source.PROMISE)
    if unit_ids is not None:
        qs = qs.filter(owner_unit_id__in=list(unit_ids))
    done = Q(state_id__in=state_ids_tagged(DONE))
    return qs.annotate(kept=ExpressionWrapper(done, output_field=BooleanField())).select_related("state", "owner_unit")


# ------------------------------------------------------------------------------------------ the portal's landing page
def landing_now(organization_ids: Sequence[int], limit: int = 6) -> list[Consultation]:
    """Public consultations around their meeting (approved, held and not yet reported), of the portal's organizations,
    soonest first."""
    return list(
        public_consultations()
        .filter(organization_id__in=organization_ids, state_id__in=state_ids_tagged(MEETING))
        .order_by("planned_date", "id")[:limit]
    )


def landing_calls(organization_ids: Sequence[int], limit: int = 6) -> list[Call]:
    return list(open_calls().filter(consultation__organization_id__in=organization_ids)[:limit])


def landing_outcomes(organization_ids: Sequence[int], limit: int = 6) -> list[Outcome]:
    """The latest public outcomes with their last reported progress (percent, text), each with the public page that
    shows it (its consultation's or its room's)."""
    last = Progress.objects.filter(outcome_id=OuterRef("pk")).order_by("-created_at", "-id")
    rows: list[Outcome] = list(
        public_outcomes(organization_id__in=organization_ids)
        .select_related("owner_unit", "owner_leader", "consultation", "topic__room")
        .annotate(last_percent=Subquery(last.values("percent")[:1]), last_text=Subquery(last.values("text")[:1]))
        .order_by("-created_at", "-id")[:limit]
    )
    for outcome in rows:
        parent = outcome.consultation if outcome.consultation_id else getattr(outcome.topic, "room", None)
        outcome.public_url = parent.get_public_url() if parent is not None else ""  # type: ignore[attr-defined]
    return rows


def landing_rooms(organization_ids: Sequence[int], district: str = "", limit: int = 12) -> list[Room]:
    qs = public_rooms().filter(organization_id__in=organization_ids)
    if district:
        qs = qs.filter(community__district=district)
    return list(qs.order_by("community__district", "name")[:limit])
