"""Bulletin issues (刊物): created as drafts, filled with approved reports, numbered and published (every report in
the issue is published with it)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.accounts.models import Organization
from xieshang.accounts.selectors import organization_id
from xieshang.audit.services import audit_record
from xieshang.core import services as core
from xieshang.workflow import services as workflow
from xieshang.workflow.selectors import state_has

from ..models import BulletinIssue, Report
from ._base import lock, next_issue_number, require

if TYPE_CHECKING:
    from xieshang.accounts.models import User


def issue_create(
    *, actor: User, organization: Organization | int, kind: str = BulletinIssue.Kind.REGULAR, editor_note: str = ""
) -> BulletinIssue:
    org = Organization.objects.get(pk=organization_id(organization))
    require("opinions.manage_issue", actor, org)
    if kind not in BulletinIssue.Kind.values:
        raise ValidationError({"kind": _("请选择刊物类型。")})
    issue = BulletinIssue.objects.create(
        organization=org,
        year=timezone.localdate().year,
        kind=kind,
        editor_note=editor_note.strip()[:300],
        created_by=actor,
    )
    audit_record(actor=actor, action="opinions.issue_create", obj=issue)
    return issue


def issue_add_reports(*, actor: User, issue: BulletinIssue, reports: Iterable[Report]) -> int:
    """Put approved reports into a draft issue, after those already in it."""
    require("opinions.manage_issue", actor, issue)
    reports = list(reports)
    if not reports:
        raise ValidationError({"reports": _("请至少选择一篇已签批的信息。")})
    with transaction.atomic():
        locked_issue = core.lock(issue)
        if locked_issue.status != BulletinIssue.Status.DRAFT:
            raise ValidationError({"reports": _("本期已刊发，不能再编入信息。")})
        order = locked_issue.reports.aggregate(m=Max("issue_order"))["m"] or 0
        for report in reports:
            locked = lock(report)
            if locked.organization_id != issue.organization_id:
                raise ValidationError({"reports": _("只能编入本组织的信息。")})
            if not state_has(locked, "approved"):
                raise ValidationError({"reports": _("“%(title)s”尚未签批，不能编入刊物。") % {"title": locked.title}})
            if locked.issue_id and locked.issue_id != issue.pk:
                raise ValidationError({"reports": _("“%(title)s”已编入其他期。") % {"title": locked.title}})
            if locked.issue_id == issue.pk:
                continue
            order += 1
            locked.issue_id, locked.issue_order = issue.pk, order
            locked.save(update_fields=["issue", "issue_order", "updated_at"])
        audit_record(actor=actor, action="opinions.issue_add", obj=issue, detail={"reports": [r.pk for r in reports]})
    return order


def issue_remove_report(*, actor: User, issue: BulletinIssue, report: Report) -> None:
    require("opinions.manage_issue", actor, issue)
    with transaction.atomic():
        locked_issue = core.lock(issue)
        if locked_issue.status != BulletinIssue.Status.DRAFT:
            raise ValidationError(_("本期已刊发，不能撤下信息。"))
        Report.objects.filter(pk=report.pk, issue=issue).update(issue=None, issue_order=0)
        audit_record(actor=actor, action="opinions.issue_remove", obj=issue, detail={"report": report.pk})


def issue_publish(*, actor: User, issue: BulletinIssue, published_at: datetime | None = None) -> BulletinIssue:
    """Number the issue (its own sequence per organization, year and kind, from the locked counter) and publish
    every report in it. The transition "publish" is allowed once the report's issue is published
    (roles.in_published_issue), which this does first."""
    require("opinions.manage_issue", actor, issue)
    now = published_at or timezone.now()
    with transaction.atomic():
        locked = core.lock(issue)
        if locked.status != BulletinIssue.Status.DRAFT:
            raise ValidationError(
                _("本期已于 %(at)s 刊发。") % {"at": timezone.localtime(locked.published_at).strftime("%Y-%m-%d")}
            )
        reports = list(Report.objects.filter(issue=locked).select_related("state").order_by("issue_order", "id"))
        if not reports:
            raise ValidationError({"reports": _("本期还没有编入任何信息，不能刊发。请先从“已签批”的信息中选择编入。")})
        year = timezone.localtime(now).year
        locked.number, locked.year = next_issue_number(locked, year), year
        locked.status = BulletinIssue.Status.PUBLISHED
        locked.published_at, locked.published_by = now, actor
        locked.save()
        label = str(locked)
        for report in reports:
            workflow.transition(
                actor=actor,
                obj=report,
                transition_key="publish",
                payload={"issue": label},
                expected_state=report.state_id,
            )
        Report.objects.filter(issue=locked).update(issued_at=now)
        audit_record(actor=actor, action="opinions.issue_publish", obj=locked, detail={"number": locked.number})
    core.refresh(issue, locked)
    return locked
