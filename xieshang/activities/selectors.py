"""Reads of activities, scoped by visibility and joined for their pages."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .models import (
    Activity,
    ActivityGroup,
    ActivityKind,
    ActivityOutput,
    Booking,
    Expert,
    Participation,
    Reception,
    ReceptionIssue,
    Studio,
    Visit,
)
from .visibility import ACTIVITY

if TYPE_CHECKING:
    from xieshang.accounts.models import Organization, User


def kinds_for(organization: Organization | int, *, active_only: bool = True) -> list[ActivityKind]:
    """The kinds in force for the organization: its own rows replace the platform defaults with the same key."""
    org_id = getattr(organization, "pk", organization)
    found: dict[str, ActivityKind] = {}
    for kind in ActivityKind.objects.filter(Q(organization__isnull=True) | Q(organization_id=org_id)).order_by(
        "organization_id"
    ):
        if kind.organization_id is None and kind.key in found:
            continue
        found[kind.key] = kind
    kinds = sorted(found.values(), key=lambda k: (k.order, k.key))
    return [k for k in kinds if k.is_active] if active_only else kinds


def activities_for_user(user: User, organization: Organization) -> QuerySet[Activity]:
    visible: QuerySet[Activity] = ACTIVITY.filter(Activity.objects.all(), user, organization)
    return (
        visible.select_related("kind")
        .annotate(
            n_invited=Count("participations", distinct=True),
            n_places=Count(
                "participations",
                filter=Q(participations__status__in=Participation.HOLDS_PLACE),
                distinct=True,
            ),
        )
        .order_by("-starts_at", "-id")
    )


def get_activity_for_user(user: User, organization: Organization, pk: int) -> Activity:
    visible: QuerySet[Activity] = ACTIVITY.filter(Activity.objects.select_related("kind"), user, organization)
    return get_object_or_404(visible, pk=pk)


def participations_of(activity: Activity) -> QuerySet[Participation]:
    return activity.participations.select_related("member", "recorded_by").order_by("member__name", "id")


def participation_of(activity: Activity, user: User) -> Participation | None:
    return activity.participations.filter(member=user).first()


def places_taken(activity: Activity) -> int:
    return activity.participations.filter(status__in=Participation.HOLDS_PLACE).count()


def my_participations(user: User, organization: Organization | int) -> QuerySet[Participation]:
    """The member's participations in published activities of the organization, the next ones first."""
    return (
        Participation.objects.filter(member=user, organization_id=getattr(organization, "pk", organization))
        .exclude(activity__state=Activity.State.PLANNED)
        .select_related("activity", "activity__kind")
        .order_by("-activity__starts_at", "-id")
    )


def upcoming_for_member(user: User, organization: Organization) -> QuerySet[Participation]:
    return (
        my_participations(user, organization)
        .filter(activity__state=Activity.State.OPEN, activity__ends_at__gte=timezone.now())
        .exclude(status__in=[Participation.Status.LEAVE_APPROVED, Participation.Status.ATTENDED])
        .order_by("activity__starts_at", "id")
    )


def leave_requests(organization: Organization | int) -> QuerySet[Participation]:
    return (
        Participation.objects.filter(
            organization_id=getattr(organization, "pk", organization), status=Participation.Status.LEAVE_REQUESTED
        )
        .select_related("activity", "member")
        .order_by("activity__starts_at", "id")
    )


def outputs_of(activity: Activity) -> QuerySet[ActivityOutput]:
    return activity.outputs.select_related("added_by", "linked_type").order_by("id")


# ------------------------------------------------------------------------------------------ groups, experts, visits
def groups_of(activity: Activity) -> QuerySet[ActivityGroup]:
    return activity.groups.select_related("leader").prefetch_related("members", "experts").order_by("id")


def experts_for(organization: Any) -> QuerySet[Expert]:
    return Expert.objects.filter(organization_id=getattr(organization, "pk", organization), is_active=True)


def visits_of(activity: Activity) -> QuerySet[Visit]:
    return activity.visits.select_related("group", "led_by").order_by("-visited_at", "-id")


def get_visit_for_user(user: Any, organization: Any, pk: int) -> Visit:
    visit = get_object_or_404(Visit.objects.select_related("activity", "group", "led_by"), pk=pk)
    visit.activity = get_activity_for_user(user, organization, visit.activity_id)
    return visit


# ---------------------------------------------------------------------------------------------------- studios
def studios_for(organization: Any) -> QuerySet[Studio]:
    now = timezone.now()
    upcoming = (
        Reception.objects.filter(activity__state=Activity.State.OPEN, activity__ends_at__gte=now)
        .select_related("activity")
        .order_by("activity__starts_at")
    )
    return (
        Studio.objects.filter(organization_id=getattr(organization, "pk", organization), is_active=True)
        .prefetch_related("members", Prefetch("receptions", queryset=upcoming, to_attr="upcoming"))
        .order_by("name", "id")
    )


def get_studio(organization: Any, pk: int) -> Studio:
    return get_object_or_404(studios_for(organization), pk=pk)


def get_reception(organization: Any, pk: int) -> Reception:
    return get_object_or_404(
        Reception.objects.select_related("studio", "activity", "activity__kind"),
        pk=pk,
        studio__organization_id=getattr(organization, "pk", organization),
    )


def reception_of(activity: Activity) -> Reception | None:
    """The reception day an activity of the studio kind stands for, if any."""
    return Reception.objects.filter(activity=activity).select_related("studio").first()


def slots_of(reception: Reception) -> list[datetime]:
    """The bookable slots of a reception day, from its start, every slot_minutes, each ending by the day's end."""
    step = timedelta(minutes=reception.slot_minutes)
    activity = reception.activity
    slots: list[datetime] = []
    moment = activity.starts_at
    while moment + step <= activity.ends_at:
        slots.append(moment)
        moment += step
    return slots


def slot_table(reception: Reception) -> list[tuple[datetime, int]]:
    """Each slot with the places left in it."""
    taken = dict(
        reception.bookings.filter(status=Booking.Status.BOOKED)
        .values("slot_at")
        .annotate(n=Count("id"))
        .values_list("slot_at", "n")
    )
    return [(slot, max(0, reception.per_slot - taken.get(slot, 0))) for slot in slots_of(reception)]


def bookings_of(reception: Reception) -> QuerySet[Booking]:
    return reception.bookings.filter(status=Booking.Status.BOOKED).select_related("resident").order_by("slot_at", "id")


def booking_of(reception: Reception, user: Any) -> Booking | None:
    return reception.bookings.filter(resident=user, status=Booking.Status.BOOKED).first()


def issues_of(reception: Reception) -> QuerySet[ReceptionIssue]:
    return reception.issues.select_related("booking", "linked_type", "recorded_by").order_by("id")


def get_issue(organization: Any, pk: int) -> ReceptionIssue:
    return get_object_or_404(
        ReceptionIssue.objects.select_related("reception__activity", "reception__studio"),
        pk=pk,
        organization_id=getattr(organization, "pk", organization),
    )


def on_duty_ids(reception: Reception) -> set[int]:
    return set(reception.activity.participations.values_list("member_id", flat=True))


# ---------------------------------------------------------------------------------------------------- roster, pickers
def studio_names_of_members(organization: Any, user_ids: list[int] | None = None) -> dict[int, list[str]]:
    """The open studios each member sits in, by user id (the roster's column), in one query."""
    through = Studio.members.through
    rows = through.objects.filter(
        studio__organization_id=getattr(organization, "pk", organization), studio__is_active=True
    )
    if user_ids is not None:
        rows = rows.filter(user_id__in=user_ids)
    found: dict[int, list[str]] = {}
    for user_id, name in rows.order_by("studio__name").values_list("user_id", "studio__name"):
        found.setdefault(user_id, []).append(name)
    return found


def studio_groups(organization_ids: tuple[int, ...], query: str) -> list[tuple[int, str]]:
    """(id, name) of the open studios whose name matches (all for ""), for the member pickers' groups."""
    rows = Studio.objects.filter(organization_id__in=organization_ids, is_active=True)
    if query.strip():
        rows = rows.filter(name__icontains=query.strip())
    return list(rows.order_by("name", "id").values_list("id", "name")[:20])


def studio_member_ids(organization_ids: tuple[int, ...], studio_ids: list[int]) -> list[int]:
    through = Studio.members.through
    rows = through.objects.filter(studio_id__in=studio_ids, studio__organization_id__in=organization_ids)
    return list(rows.values_list("user_id", flat=True))
