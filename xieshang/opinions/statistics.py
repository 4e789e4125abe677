"""The figures of the annual work report (shared/domain.md: 1,151 edited / 779 / 372 / 9), counted from the
pipeline's records for any period. Every figure is a count of rows, so tests can compare it with a direct query."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count

from xieshang.accounts.models import MemberProfile
from xieshang.instructions.models import Instruction
from xieshang.workflow.selectors import state_tag

from . import figures
from .models import Adoption, BulletinIssue, Dispatch, Forward, Level, Report, ReportAuthor


@dataclass
class Statistics:
    start: date
    end: date
    collected: int = 0
    edited: int = 0
    issued: int = 0
    issues: int = 0
    special_issues: int = 0
    closed: int = 0
    sent_by_level: dict[str, int] = field(default_factory=dict)
    sent_own_or_forwarded: int = 0
    forwarded: int = 0
    forwards: int = 0
    replied: int = 0
    instructed: int = 0
    instructions: int = 0
    instructions_by_level: dict[str, int] = field(default_factory=dict)
    adopted_by_level: dict[str, int] = field(default_factory=dict)
    by_author: list[dict] = field(default_factory=list)
    by_sector: list[dict] = field(default_factory=list)
    by_party: list[dict] = field(default_factory=list)

    @property
    def level_rows(self) -> list[tuple[str, str, int, int, int]]:
        """(key, label, sent, instructions, adopted) per level, for the table."""
        return [
            (
                key,
                str(label),
                self.sent_by_level.get(key, 0),
                self.instructions_by_level.get(key, 0),
                self.adopted_by_level.get(key, 0),
            )
            for key, label in Level.choices
        ]


def default_period(today: date | None = None) -> tuple[date, date]:
    """The current calendar year."""
    from django.utils import timezone

    today = today or timezone.localdate()
    return date(today.year, 1, 1), date(today.year, 12, 31)


def _by_level(rows) -> dict[str, int]:
    return {r["level"]: r["n"] for r in rows}


def opinion_statistics(organization, start: date, end: date, *, top_authors: int | None = 20) -> Statistics:
    """Counts for reports of `organization` between start and end (both inclusive)."""
    org_id = getattr(organization, "pk", organization)
    span = (start, end)
    reports = Report.objects.filter(organization_id=org_id)
    stats = Statistics(start=start, end=end)
    # The report's figures are the statistics face's (figures.py): one counting for the page, the report, the API.
    stats.collected = figures.collected(org_id, start, end).count()
    stats.edited = figures.edited(org_id, start, end).count()
    stats.issued = reports.filter(issued_at__date__range=span).count()
    stats.closed = reports.filter(state_tag("not_adopted").q(), closed_at__date__range=span).count()
    issues = BulletinIssue.objects.filter(
        organization_id=org_id, status=BulletinIssue.Status.PUBLISHED, published_at__date__range=span
    )
    stats.issues = issues.filter(kind=BulletinIssue.Kind.REGULAR).count()
    stats.special_issues = issues.filter(kind=BulletinIssue.Kind.SPECIAL).count()

    dispatches = Dispatch.objects.filter(report__organization_id=org_id, sent_at__date__range=span)
    stats.sent_by_level = _by_level(dispatches.values("level").annotate(n=Count("report_id", distinct=True)).order_by())
    forwards = Forward.objects.filter(report__organization_id=org_id, forwarded_at__date__range=span)
    stats.forwards = forwards.count()
    stats.forwarded = forwards.values("report_id").distinct().count()
    stats.sent_own_or_forwarded = figures.to_own_level(org_id, start, end).count()
    stats.replied = Forward.objects.filter(report__organization_id=org_id, replied_at__date__range=span).count()

    instructions = Instruction.objects.filter(report__organization_id=org_id, instructed_on__range=span)
    stats.instructions = instructions.count()
    stats.instructed = instructions.values("object_id").distinct().count()
    stats.instructions_by_level = _by_level(instructions.values("level").annotate(n=Count("id")).order_by())
    adoptions = Adoption.objects.filter(report__organization_id=org_id, adopted_on__range=span)
    stats.adopted_by_level = _by_level(adoptions.values("level").annotate(n=Count("id")).order_by())

    stats.by_author = _by_author(org_id, span, top_authors)
    stats.by_sector = _by_group(org_id, span, "sector__name")
    stats.by_party = _by_group(org_id, span, "party")
    party_labels = dict(MemberProfile.Party.choices)
    for row in stats.by_party:
        row["label"] = str(party_labels.get(row["key"], row["key"])) if row["key"] else ""
    return stats


def _by_author(org_id: int, span, limit: int | None) -> list[dict]:
    links = ReportAuthor.objects.filter(report__organization_id=org_id)
    collected = (
        links.filter(report__submitted_at__date__range=span)
        .values("user_id", "user__name", "user__username")
        .annotate(n=Count("report_id", distinct=True))
        .order_by()
    )
    rows = {
        r["user_id"]: {
            "user_id": r["user_id"],
            "name": r["user__name"] or r["user__username"],
            "collected": r["n"],
            "adopted": 0,
            "instructions": 0,
        }
        for r in collected
    }
    for key, queryset, date_field in (
        ("adopted", Adoption.objects, "adopted_on"),
        ("instructions", Instruction.objects, "instructed_on"),
    ):
        counted = (
            queryset.filter(report__organization_id=org_id, **{f"{date_field}__range": span})
            .values("report__author_links__user_id", "report__author_links__user__name")
            .annotate(n=Count("id"))
            .order_by()
        )
        for r in counted:
            row = rows.setdefault(
                r["report__author_links__user_id"],
                {
                    "user_id": r["report__author_links__user_id"],
                    "name": r["report__author_links__user__name"],
                    "collected": 0,
                    "adopted": 0,
                    "instructions": 0,
                },
            )
            row[key] = r["n"]
    ordered = sorted(rows.values(), key=lambda r: (-r["adopted"], -r["instructions"], -r["collected"], r["name"]))
    return ordered[:limit] if limit else ordered


def _by_group(org_id: int, span, field_name: str) -> list[dict]:
    reports = Report.objects.filter(organization_id=org_id)
    collected = reports.filter(submitted_at__date__range=span).values(field_name).annotate(n=Count("id")).order_by()
    rows = {r[field_name] or "": {"key": r[field_name] or "", "collected": r["n"], "adopted": 0} for r in collected}
    adopted = (
        Adoption.objects.filter(report__organization_id=org_id, adopted_on__range=span)
        .values(f"report__{field_name}")
        .annotate(n=Count("report_id", distinct=True))
        .order_by()
    )
    for r in adopted:
        key = r[f"report__{field_name}"] or ""
        rows.setdefault(key, {"key": key, "collected": 0, "adopted": 0})["adopted"] = r["n"]
    for row in rows.values():
        row["label"] = row["key"]
    return sorted(rows.values(), key=lambda r: (-r["collected"], r["key"]))


__all__ = ["Statistics", "opinion_statistics"]
