"""Reads of sessions, scoped by visibility and joined for their pages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .models import AgendaItem, Attendance, Candidate, Document, Session, Speech, Vote
from .visibility import SESSION

Status = Attendance.Status


def _org_id(organization: Any) -> Any:
    return getattr(organization, "pk", organization)


def sessions_for_user(user: Any, organization: Any) -> QuerySet[Session]:
    visible: QuerySet[Session] = SESSION.filter(Session.objects.all(), user, organization)
    return visible.annotate(
        n_invited=Count("attendances", distinct=True),
        n_attended=Count("attendances", filter=Q(attendances__status=Status.ATTENDED), distinct=True),
    ).order_by("-starts_at", "-id")


def get_session_for_user(user: Any, organization: Any, pk: int) -> Session:
    visible: QuerySet[Session] = SESSION.filter(Session.objects.all(), user, organization)
    return get_object_or_404(visible, pk=pk)


def attendances_of(session: Session) -> QuerySet[Attendance]:
    return session.attendances.select_related("member", "recorded_by").order_by("member__name", "id")


def attendance_of(session: Session, user: Any) -> Attendance | None:
    return session.attendances.filter(member=user).first()


def attendance_counts(session: Session) -> dict[str, int]:
    """How many invited members are in each status, and in all."""
    rows = session.attendances.values("status").annotate(n=Count("id"))
    counts = {status: 0 for status in Status.values}
    counts.update({row["status"]: row["n"] for row in rows})
    counts["total"] = sum(counts[s] for s in Status.values)
    return counts


def agenda_of(session: Session) -> QuerySet[AgendaItem]:
    return session.agenda.order_by("order", "id")


def documents_of(session: Session) -> QuerySet[Document]:
    return session.documents.order_by("created_at", "id")


def speeches_of(session: Session, *, member: Any = None) -> QuerySet[Speech]:
    speeches = session.speeches.select_related("member")
    if member is not None:
        speeches = speeches.filter(member=member)
    return speeches.order_by("submitted_at", "id")


def votes_of(session: Session) -> QuerySet[Vote]:
    return session.votes.prefetch_related(Prefetch("candidates", queryset=Candidate.objects.order_by("order", "id")))


def proposals_of(session: Session, user: Any) -> QuerySet[Any]:
    """The proposals filed during the session that the user may see (proposals' own visibility)."""
    from xieshang.proposals.selectors import visible_proposals

    return visible_proposals(user, session.organization).filter(session=session).order_by("submitted_at", "id")


def session_for_proposal(organization: Any, moment: datetime) -> Session | None:
    """The open session whose proposal window holds `moment`'s day (the latest opened, if windows overlap)."""
    day = timezone.localdate(moment)
    return (
        Session.objects.filter(
            organization_id=_org_id(organization),
            state=Session.State.OPEN,
            proposals_from__lte=day,
            proposals_until__gte=day,
        )
        .order_by("-starts_at", "-id")
        .first()
    )


def my_attendances(user: Any, organization: Any) -> QuerySet[Attendance]:
    """The member's invitations to sessions of the organization that were announced, the latest first."""
    return (
        Attendance.objects.filter(member=user, organization_id=_org_id(organization))
        .exclude(session__state=Session.State.PLANNED)
        .select_related("session")
        .order_by("-session__starts_at", "-id")
    )


def upcoming_for_member(user: Any, organization: Any) -> QuerySet[Attendance]:
    return (
        my_attendances(user, organization)
        .filter(session__state=Session.State.OPEN, session__ends_at__gte=timezone.now())
        .exclude(status__in=[Status.LEAVE_APPROVED, Status.ATTENDED])
        .order_by("session__starts_at", "id")
    )


def leave_requests(organization: Any) -> QuerySet[Attendance]:
    return (
        Attendance.objects.filter(organization_id=_org_id(organization), status=Status.LEAVE_REQUESTED)
        .select_related("session", "member")
        .order_by("session__starts_at", "id")
    )
