"""Statistics of proposals for a period, computed by queries from the records (the annual work report's figures).

Each function takes the organization and a period [start, end] (dates, inclusive) and answers with one or two
aggregate queries. A proposal belongs to the period it was submitted in; replies to when they reached the member;
ratings to when they were given. Micro-proposals are counted apart (kind="micro")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import Count, F, Q
from django.utils import timezone

from .models import Assignment, Proposal, Rating, Reply


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return (
        timezone.make_aware(datetime.combine(start, time.min)),
        timezone.make_aware(datetime.combine(end, time.max)),
    )


def _org_id(organization):
    return getattr(organization, "pk", organization)


def submitted(organization, start: date, end: date, kind: str = Proposal.Kind.PROPOSAL):
    lo, hi = _bounds(start, end)
    return Proposal.objects.filter(
        organization_id=_org_id(organization), kind=kind, submitted_at__gte=lo, submitted_at__lte=hi
    )


def by_outcome(organization, start: date, end: date, kind: str = Proposal.Kind.PROPOSAL) -> dict[str, int]:
    """{"filed": n, "merged": n, "converted": n, "not_filed": n, "pending": n (not reviewed yet), "total": n}."""
    rows = submitted(organization, start, end, kind).values("outcome").annotate(n=Count("id"))
    result = {key: 0 for key in Proposal.Outcome.values}
    result["pending"] = 0
    for row in rows:
        result[row["outcome"] or "pending"] += row["n"]
    result["total"] = sum(result.values())
    return result


def by_category(organization, start: date, end: date) -> list[dict]:
    """Filed proposals per category: [{"category": name, "count": n}], largest first."""
    rows = (
        submitted(organization, start, end)
        .filter(outcome=Proposal.Outcome.FILED)
        .values("category__name")
        .annotate(count=Count("id"))
        .order_by("-count", "category__name")
    )
    return [{"category": r["category__name"] or "未分类", "count": r["count"]} for r in rows]


def by_unit(organization, start: date, end: date) -> list[dict]:
    """Per handling unit: proposals assigned (as lead/split, as co-handler), replies sent and replied on time."""
    lo, hi = _bounds(start, end)
    rows = (
        Assignment.objects.filter(
            proposal__organization_id=_org_id(organization),
            assigned_at__gte=lo,
            assigned_at__lte=hi,
        )
        .exclude(status__in=[Assignment.Status.PLANNED, Assignment.Status.REPLACED])
        .values("unit_id", "unit__name")
        .annotate(
            lead=Count("id", filter=Q(role__in=[Assignment.Role.LEAD, Assignment.Role.SPLIT])),
            co=Count("id", filter=Q(role=Assignment.Role.CO)),
            replied=Count("replies", filter=Q(replies__round=1) & ~Q(replies__status="superseded"), distinct=True),
            on_time=Count(
                "replies",
                filter=Q(replies__round=1, replies__on_time=True) & ~Q(replies__status="superseded"),
                distinct=True,
            ),
        )
        .order_by("-lead", "unit__name")
    )
    return [
        {
            "unit_id": r["unit_id"],
            "unit": r["unit__name"],
            "lead": r["lead"],
            "co": r["co"],
            "replied": r["replied"],
            "on_time": r["on_time"],
        }
        for r in rows
    ]


def by_grade(organization, start: date, end: date) -> dict[str, int]:
    """The current reply's grade (after any supervisor change) of replies that reached members in the period."""
    lo, hi = _bounds(start, end)
    rows = (
        Reply.objects.filter(
            proposal__organization_id=_org_id(organization),
            status=Reply.Status.SENT,
            round=F("proposal__reply_round"),
            sent_at__gte=lo,
            sent_at__lte=hi,
        )
        .values("grade")
        .annotate(n=Count("id"))
    )
    result = dict.fromkeys(Reply.Grade.values, 0)
    for row in rows:
        result[row["grade"]] = row["n"]
    return result


@dataclass
class Rate:
    numerator: int
    denominator: int

    @property
    def value(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None

    @property
    def percent(self) -> str:
        return "-" if self.value is None else f"{self.value * 100:.1f}%"


def on_time_rate(organization, start: date, end: date) -> Rate:
    """First-round replies submitted in the period that came within the handling deadline (extensions included)."""
    lo, hi = _bounds(start, end)
    agg = (
        Reply.objects.filter(
            proposal__organization_id=_org_id(organization), round=1, submitted_at__gte=lo, submitted_at__lte=hi
        )
        .exclude(status=Reply.Status.SUPERSEDED)
        .aggregate(total=Count("id"), on_time=Count("id", filter=Q(on_time=True)))
    )
    return Rate(agg["on_time"], agg["total"])


def satisfaction_rate(organization, start: date, end: date) -> tuple[Rate, dict[str, int]]:
    """(satisfied + basically satisfied) / all ratings given in the period, and the counts per answer."""
    lo, hi = _bounds(start, end)
    rows = (
        Rating.objects.filter(proposal__organization_id=_org_id(organization), created_at__gte=lo, created_at__lte=hi)
        .values("satisfaction")
        .annotate(n=Count("id"))
    )
    counts = dict.fromkeys(Rating.Satisfaction.values, 0)
    for row in rows:
        counts[row["satisfaction"]] = row["n"]
    total = sum(counts.values())
    return Rate(total - counts[Rating.Satisfaction.DISSATISFIED], total), counts


def summary(organization, start: date, end: date) -> dict:
    """Every figure above in one dict, for the statistics page and the annual work report."""
    satisfaction, answers = satisfaction_rate(organization, start, end)
    return {
        "outcomes": by_outcome(organization, start, end),
        "micro_outcomes": by_outcome(organization, start, end, Proposal.Kind.MICRO),
        "categories": by_category(organization, start, end),
        "units": by_unit(organization, start, end),
        "grades": by_grade(organization, start, end),
        "on_time": on_time_rate(organization, start, end),
        "satisfaction": satisfaction,
        "satisfaction_counts": answers,
        "key": submitted(organization, start, end).filter(is_key=True).count(),
        "excellent": submitted(organization, start, end).filter(is_excellent=True).count(),
    }
