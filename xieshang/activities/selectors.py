"""Reads of activities, scoped by visibility and joined for their pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .models import Activity, ActivityKind, ActivityOutput, Participation
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
