"""REST API of public-opinion information: reports (the author's and the desk's), one report with its records,
bulletin issues, and the statistics for a period. Reads only; writes stay on the pages, where forms show errors."""

from __future__ import annotations

from datetime import date, datetime

import rules
from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Query, Router, Schema

from xieshang.core.api import Paging

from . import selectors
from .statistics import default_period, opinion_statistics

router = Router(tags=["opinions"])


class ReportOut(Schema):
    id: int
    serial: str
    title: str
    urgent: bool
    state: str
    state_name: str
    submitted_at: datetime
    issue: str | None
    authors: list[str]
    url: str

    @staticmethod
    def build(report) -> ReportOut:
        return ReportOut(
            id=report.pk,
            serial=report.serial,
            title=report.title,
            urgent=report.urgent,
            state=report.state.key if report.state_id else "",
            state_name=report.state.name if report.state_id else "",
            submitted_at=report.submitted_at,
            issue=str(report.issue) if report.issue_id and report.issue.number else None,
            authors=[link.user.display_name for link in report.author_links.all()],
            url=report.get_absolute_url(),
        )


class VersionOut(Schema):
    number: int
    title: str
    body: str
    editor_name: str
    note: str
    created_at: datetime


class DispatchOut(Schema):
    recipient: str
    level: str
    sent_at: datetime


class ForwardOut(Schema):
    unit: str
    forwarded_at: datetime
    reply: str
    replied_at: datetime | None


class InstructionOut(Schema):
    leader_name: str
    leader_title: str
    level: str
    text: str
    instructed_on: date


class AdoptionOut(Schema):
    level: str
    adopted_on: date
    note: str


class ReportDetailOut(ReportOut):
    body: str
    close_reason: str
    versions: list[VersionOut]
    dispatches: list[DispatchOut]
    forwards: list[ForwardOut]
    instructions: list[InstructionOut]
    adoptions: list[AdoptionOut]


class IssueOut(Schema):
    id: int
    title: str
    kind: str
    year: int
    number: int | None
    status: str
    published_at: datetime | None
    reports: int


class LevelFigures(Schema):
    level: str
    label: str
    sent: int
    instructions: int
    adopted: int


class GroupFigures(Schema):
    key: str
    label: str
    collected: int
    adopted: int


class AuthorFigures(Schema):
    user_id: int
    name: str
    collected: int
    adopted: int
    instructions: int


class StatisticsOut(Schema):
    start: date
    end: date
    collected: int
    edited: int
    issued: int
    issues: int
    special_issues: int
    closed: int
    sent_own_or_forwarded: int
    forwarded: int
    forwards: int
    replied: int
    instructed: int
    instructions: int
    by_level: list[LevelFigures]
    by_author: list[AuthorFigures]
    by_sector: list[GroupFigures]
    by_party: list[GroupFigures]


def _organization(request):
    organization = getattr(request, "organization", None)
    if organization is None:
        raise Http404
    return organization


@router.get("/reports", response=list[ReportOut])
def list_reports(request, paging: Query[Paging], scope: str = "mine", state: str = ""):
    """scope=mine: the reports the user (co-)wrote; scope=desk: the organization's reports (information staff)."""
    organization = _organization(request)
    if scope == "desk":
        if not rules.has_perm("opinions.manage_report", request.user, organization):
            raise PermissionDenied
        reports = selectors.desk_reports(organization, [state] if state else None)
    else:
        reports = selectors.reports_for_author(request.user, organization)
        if state:
            reports = reports.filter(state__key=state)
    return [ReportOut.build(r) for r in paging.page(reports)]


@router.get("/reports/{report_id}", response=ReportDetailOut)
def get_report(request, report_id: int):
    report = selectors.get_report_for_user(request.user, report_id)
    records = selectors.report_records(report)
    base = ReportOut.build(report).dict()
    manage = rules.has_perm("opinions.manage_report", request.user, report)
    own = report.submitter_id == request.user.pk or any(a.user_id == request.user.pk for a in records["authors"])
    return ReportDetailOut(
        **base,
        body=report.body,
        close_reason=report.close_reason,
        # Earlier versions are for the authors and the editors, not for recipients.
        versions=[VersionOut.from_orm(v) for v in records["versions"]] if (manage or own) else [],
        dispatches=[
            DispatchOut(recipient=d.recipient.name, level=d.level, sent_at=d.sent_at) for d in records["dispatches"]
        ],
        forwards=[
            ForwardOut(unit=f.unit.name, forwarded_at=f.forwarded_at, reply=f.reply, replied_at=f.replied_at)
            for f in records["forwards"]
        ],
        instructions=[InstructionOut.from_orm(i) for i in records["instructions"]],
        adoptions=[AdoptionOut.from_orm(a) for a in records["adoptions"]],
    )


@router.get("/issues", response=list[IssueOut])
def list_issues(request, paging: Query[Paging], year: int | None = None):
    organization = _organization(request)
    if not rules.has_perm("opinions.view_issue", request.user, organization):
        raise PermissionDenied
    from django.db.models import Count

    issues = selectors.issues_for(organization).annotate(n=Count("reports"))
    if year:
        issues = issues.filter(year=year)
    return [
        IssueOut(
            id=i.pk,
            title=str(i),
            kind=i.kind,
            year=i.year,
            number=i.number,
            status=i.status,
            published_at=i.published_at,
            reports=i.n,
        )
        for i in paging.page(issues)
    ]


@router.get("/statistics", response=StatisticsOut)
def statistics(request, start: date | None = None, end: date | None = None):
    organization = _organization(request)
    if not rules.has_perm("opinions.view_statistics", request.user, organization):
        raise PermissionDenied
    default_start, default_end = default_period()
    stats = opinion_statistics(organization, start or default_start, end or default_end, top_authors=None)
    return StatisticsOut(
        start=stats.start,
        end=stats.end,
        collected=stats.collected,
        edited=stats.edited,
        issued=stats.issued,
        issues=stats.issues,
        special_issues=stats.special_issues,
        closed=stats.closed,
        sent_own_or_forwarded=stats.sent_own_or_forwarded,
        forwarded=stats.forwarded,
        forwards=stats.forwards,
        replied=stats.replied,
        instructed=stats.instructed,
        instructions=stats.instructions,
        by_level=[
            LevelFigures(level=k, label=label, sent=s, instructions=i, adopted=a)
            for k, label, s, i, a in stats.level_rows
        ],
        by_author=[AuthorFigures(**r) for r in stats.by_author],
        by_sector=[GroupFigures(**r) for r in stats.by_sector],
        by_party=[GroupFigures(**r) for r in stats.by_party],
    )
