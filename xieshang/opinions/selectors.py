"""Reads of opinion reports, scoped to what the user may see and joined for the page that shows them."""

from __future__ import annotations

import rules
from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from xieshang.accounts.models import Role, RoleGrant
from xieshang.accounts.selectors import roles_by_organization

from .models import BulletinIssue, Dispatch, Forward, OpinionSettings, Recipient, Report, ReportAuthor

# Who reads a conference's inbox of reports sent up to it.
INBOX_ROLES = frozenset({Role.INFORMATION_STAFF, Role.LEADER})


def settings_for(organization) -> OpinionSettings:
    """The organization's limits, or the defaults (an unsaved row) when it has none."""
    org_id = getattr(organization, "pk", organization)
    found = OpinionSettings.objects.filter(organization_id=org_id).first()
    return found or OpinionSettings(organization_id=org_id)


def inbox_organization_ids(user) -> set[int]:
    """Conferences whose inbox the user reads (as their information staff or leader)."""
    return {org_id for org_id, roles in roles_by_organization(user).items() if roles & INBOX_ROLES}


def _base() -> QuerySet[Report]:
    return Report.objects.select_related("state", "issue", "submitter", "sector").prefetch_related(
        Prefetch("author_links", queryset=ReportAuthor.objects.select_related("user"))
    )


def reports_for_author(user, organization=None) -> QuerySet[Report]:
    """The reports the user wrote or co-wrote, newest first."""
    reports = _base().filter(Q(submitter=user) | Q(author_links__user=user)).distinct()
    if organization is not None:
        reports = reports.filter(organization=organization)
    return reports.order_by("-submitted_at", "-id")


def desk_reports(organization, state_keys=None) -> QuerySet[Report]:
    """The information staff's queue: urgent ones first, then oldest first (first in, first edited)."""
    reports = _base().filter(organization=organization)
    if state_keys:
        reports = reports.filter(state__key__in=list(state_keys))
    return reports.order_by("-urgent", "submitted_at", "id")


def get_report_for_user(user, pk: int, perm: str = "opinions.view_report", for_update: bool = False) -> Report:
    """The report if the user may see it; 404 otherwise, so outsiders learn nothing of its existence."""
    queryset = Report.objects.select_related("state", "workflow", "issue", "organization", "submitter", "sector")
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    report = queryset.filter(pk=pk).first()
    if report is None or not rules.has_perm(perm, user, report):
        raise Http404
    return report


def issues_for(organization) -> QuerySet[BulletinIssue]:
    return BulletinIssue.objects.filter(organization=organization).order_by("status", "-year", "-number", "-id")


def get_issue_for_user(user, pk: int, perm: str = "opinions.view_issue") -> BulletinIssue:
    issue = BulletinIssue.objects.select_related("organization").filter(pk=pk).first()
    if issue is None or not rules.has_perm(perm, user, issue):
        raise Http404
    return issue


def issue_reports(issue) -> QuerySet[Report]:
    return _base().filter(issue=issue).order_by("issue_order", "id")


def recipients_of(organization) -> QuerySet[Recipient]:
    return Recipient.objects.filter(organization=organization, is_active=True).order_by("order", "id")


def inbox_for(user) -> QuerySet[Dispatch]:
    """What was sent to recipients whose inbox this user reads, newest first."""
    org_ids = inbox_organization_ids(user)
    return (
        Dispatch.objects.filter(Q(recipient__users=user) | Q(recipient__target_organization_id__in=org_ids))
        .distinct()
        .select_related("recipient", "report", "report__organization", "report__issue", "report__state")
        .order_by("-sent_at", "-id")
    )


def forwards_for_officer(user, pending_only: bool = False) -> QuerySet[Forward]:
    units = RoleGrant.objects.filter(user=user, role=Role.UNIT_OFFICER, handling_unit__isnull=False).values(
        "handling_unit_id"
    )
    forwards = Forward.objects.filter(unit_id__in=units).select_related("unit", "report", "report__state")
    if pending_only:
        forwards = forwards.filter(replied_at__isnull=True)
    return forwards.order_by("replied_at", "-forwarded_at", "-id")


def report_records(report) -> dict:
    """Everything the detail page shows besides the report itself, in one query per kind."""
    return {
        "authors": list(report.author_links.select_related("user")),
        "versions": list(report.versions.order_by("number")),
        "attachments": list(report.attachments.all()),
        "dispatches": list(report.dispatches.select_related("recipient")),
        "forwards": list(report.forwards.select_related("unit")),
        "instructions": list(report.instructions.all()),
        "adoptions": list(report.adoptions.all()),
    }


def sent_levels(report) -> set[str]:
    return set(report.dispatches.values_list("level", flat=True))


def report_for_source(source) -> Report | None:
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
