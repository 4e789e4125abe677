"""Reads of opinion reports, scoped to what the user may see and joined for the page that shows them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import rules
from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from xieshang.accounts.models import Role, RoleGrant
from xieshang.instructions.models import Instruction
from xieshang.workflow.selectors import state_tag

from .models import (
    BulletinIssue,
    Dispatch,
    Forward,
    Level,
    OpinionSettings,
    Recipient,
    Report,
    ReportAuthor,
)
from .visibility import INBOX_ROLES, REPORT, inbox_organization_ids, recipient_reader_q

if TYPE_CHECKING:
    from xieshang.accounts.models import Organization, User


def settings_for(organization: Organization | int) -> OpinionSettings:
    """The organization's limits, or the defaults (an unsaved row) when it has none; cached, cleared when the row is
    saved or deleted (OrganizationSettings.for_organization, receivers in apps.py)."""
    return OpinionSettings.for_organization(organization)


def _base() -> QuerySet[Report]:
    return Report.objects.select_related("state", "issue", "submitter", "sector").prefetch_related(
        Prefetch("author_links", queryset=ReportAuthor.objects.select_related("user"))
    )


def reports_for_author(user: User, organization: Organization | None = None) -> QuerySet[Report]:
    """The reports the user wrote or co-wrote, newest first."""
    reports = _base().filter(Q(submitter=user) | Q(author_links__user=user)).distinct()
    if organization is not None:
        reports = reports.filter(organization=organization)
    return reports.order_by("-submitted_at", "-id")


def desk_reports(
    organization: Organization, state_keys: Iterable[str] | None = None, *, tag: str | None = None
) -> QuerySet[Report]:
    """The information staff's queue: urgent ones first, then oldest first (first in, first edited). Narrowed to
    states carrying the phase `tag`, or to the state keys an API caller names."""
    reports = _base().filter(organization=organization)
    if tag:
        reports = reports.filter(state_tag(tag).q())
    if state_keys:
        reports = reports.filter(state__key__in=list(state_keys))
    return reports.order_by("-urgent", "submitted_at", "id")


def visible_reports(user: User, organization: Organization) -> QuerySet[Report]:
    """Every report of the organization the user may open (visibility.REPORT), newest first."""
    return REPORT.filter(_base(), user, organization).order_by("-submitted_at", "-id")


def get_report_for_user(user: User, pk: int, perm: str = "opinions.view_report", for_update: bool = False) -> Report:
    """The report if the user may see it; 404 otherwise, so outsiders learn nothing of its existence."""
    queryset = Report.objects.select_related("state", "workflow", "issue", "organization", "submitter", "sector")
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    report = queryset.filter(pk=pk).first()
    if report is None or not rules.has_perm(perm, user, report):
        raise Http404
    return report


def issues_for(organization: Organization) -> QuerySet[BulletinIssue]:
    return BulletinIssue.objects.filter(organization=organization).order_by("status", "-year", "-number", "-id")


def get_issue_for_user(user: User, pk: int, perm: str = "opinions.view_issue") -> BulletinIssue:
    issue = BulletinIssue.objects.select_related("organization").filter(pk=pk).first()
    if issue is None or not rules.has_perm(perm, user, issue):
        raise Http404
    return issue


def issue_reports(issue: BulletinIssue) -> QuerySet[Report]:
    return _base().filter(issue=issue).order_by("issue_order", "id")


def recipients_of(organization: Organization) -> QuerySet[Recipient]:
    return Recipient.objects.filter(organization=organization, is_active=True).order_by("order", "id")


def inbox_for(user: User) -> QuerySet[Dispatch]:
    """What was sent to recipients whose inbox this user reads, newest first."""
    return (
        Dispatch.objects.filter(recipient_reader_q(user))
        .distinct()
        .select_related("recipient", "report", "report__organization", "report__issue", "report__state")
        .order_by("-sent_at", "-id")
    )


def forwards_for_officer(user: User, pending_only: bool = False) -> QuerySet[Forward]:
    units = RoleGrant.objects.filter(user=user, role=Role.UNIT_OFFICER, handling_unit__isnull=False).values(
        "handling_unit_id"
    )
    forwards = Forward.objects.filter(unit_id__in=units).select_related("unit", "report", "report__state")
    if pending_only:
        forwards = forwards.filter(replied_at__isnull=True)
    return forwards.order_by("replied_at", "-forwarded_at", "-id")


def instruction_leader(instruction: Instruction) -> str:
    """How an instruction's leader is named in its event ("副市长王某某")."""
    return f"{instruction.leader_title}{instruction.leader_name}"


def labelled_instructions(instructions: Iterable[Instruction]) -> list[Instruction]:
    """The instructions with `level_label`, the name of their Level (the base table keeps the level as plain text)."""
    rows = list(instructions)
    for i in rows:
        i.level_label = Level(i.level).label if i.level in Level.values else i.level  # type: ignore[attr-defined]
    return rows


def report_records(report: Report) -> dict[str, list[Any]]:
    """Everything the detail page shows besides the report itself, in one query per kind."""
    return {
        "authors": list(report.author_links.select_related("user")),
        "versions": list(report.versions.order_by("number")),
        "attachments": list(report.attachments.all()),
        "dispatches": list(report.dispatches.select_related("recipient")),
        "forwards": list(report.forwards.select_related("unit")),
        "instructions": labelled_instructions(report.instructions.all()),
        "adoptions": list(report.adoptions.all()),
    }


def sent_levels(report: Report) -> set[str]:
    return set(report.dispatches.values_list("level", flat=True))


def report_for_source(source: Any) -> Report | None:
    """The report a proposal (or another record) was handed over as, if any."""
    if source is None or source.pk is None:
        return None
    content_type = ContentType.objects.get_for_model(source, for_concrete_model=True)
    return (
        Report.objects.filter(source_content_type=content_type, source_object_id=source.pk)
        .select_related("state")
        .order_by("id")
        .first()
    )


__all__ = [
    "INBOX_ROLES",
    "desk_reports",
    "get_issue_for_user",
    "get_report_for_user",
    "inbox_for",
    "inbox_organization_ids",
    "instruction_leader",
    "issue_reports",
    "issues_for",
    "recipients_of",
    "report_for_source",
    "report_records",
    "reports_for_author",
    "sent_levels",
    "settings_for",
    "visible_reports",
]
