"""The standing member's annual duty report: drafted from his records, edited, submitted, returned with a reason or
accepted by staff. Each step is audited; a step the report's state does not allow is refused and changes nothing."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.audit.services import audit_record
from xieshang.core.services import lock, refresh, require, text_error

from ..models import DutyReport
from ..selectors.report import draft_body, figures_for, unknown_placeholders

BODY_LIMIT = 20000
TITLE_LIMIT = 120
REASON_LIMIT = 500


def report_draft(*, actor: Any, organization: Any, year: int) -> DutyReport:
    """The member's report of `year`: the existing one, else a new draft from his records."""
    require(actor, "duties.draft_report", organization, _("只有常委需要撰写年度述职报告。"))
    org_id = getattr(organization, "pk", organization)
    with transaction.atomic():
        report, created = DutyReport.objects.get_or_create(
            member=actor,
            organization_id=org_id,
            year=year,
            defaults={"title": _("%(year)s年度履职情况述职报告") % {"year": year}, "body": draft_body()},
        )
        if created:
            audit_record(actor=actor, action="duties.report_draft", obj=report, organization=org_id)
    return report


def _check_text(report: DutyReport, title: str, body: str) -> None:
    errors = {}
    title_error = text_error(title, TITLE_LIMIT, _("标题"))
    body_error = text_error(body, BODY_LIMIT, _("正文"))
    if title_error:
        errors["title"] = title_error
    if body_error:
        errors["body"] = body_error
    else:
        unknown = unknown_placeholders(body, figures_for(report.member_id, report.organization_id, report.year))
        if unknown:
            errors["body"] = _("无法识别的数据占位符：%(names)s。请删除或改为页面列出的占位符。") % {
                "names": "、".join(unknown)
            }
    if errors:
        raise ValidationError(errors)


def report_save(*, actor: Any, report: DutyReport, title: str, body: str) -> DutyReport:
    require(actor, "duties.edit_report", report, _("报告已提交，不能再修改。"))
    title, body = (title or "").strip(), (body or "").replace("\r\n", "\n").strip()
    _check_text(report, title, body)
    with transaction.atomic():
        locked = lock(report)
        require(actor, "duties.edit_report", locked, _("报告已提交，不能再修改。"))
        if (locked.title, locked.body) != (title, body):
            locked.title, locked.body = title, body
            locked.save(update_fields=["title", "body", "updated_at"])
            audit_record(actor=actor, action="duties.report_save", obj=locked, organization=locked.organization_id)
    return refresh(report, locked)


def report_submit(*, actor: Any, report: DutyReport) -> DutyReport:
    """Submitted for review with the figures of this moment kept, so the reviewed text is the printed one."""
    require(actor, "duties.edit_report", report, _("报告已提交，不能重复提交。"))
    _check_text(report, report.title, report.body)
    with transaction.atomic():
        locked = lock(report)
        require(actor, "duties.edit_report", locked, _("报告已提交，不能重复提交。"))
        locked.figures = figures_for(locked.member_id, locked.organization_id, locked.year)
        locked.state = DutyReport.State.SUBMITTED
        locked.submitted_at = timezone.now()
        locked.return_reason = ""
        locked.save(update_fields=["figures", "state", "submitted_at", "return_reason", "updated_at"])
        audit_record(actor=actor, action="duties.report_submit", obj=locked, organization=locked.organization_id)
    return refresh(report, locked)


def _review(*, actor: Any, report: DutyReport, state: str, reason: str = "") -> DutyReport:
    require(actor, "duties.review_report", report)
    with transaction.atomic():
        locked = lock(report)
        if locked.state != DutyReport.State.SUBMITTED:
            raise ValidationError(
                _("只有已提交的报告可以审核（当前：%(state)s）。") % {"state": locked.get_state_display()}
            )
        locked.state = state
        locked.return_reason = reason
        locked.reviewed_at = timezone.now()
        locked.reviewed_by = actor
        locked.save(update_fields=["state", "return_reason", "reviewed_at", "reviewed_by", "updated_at"])
        action = "duties.report_accept" if state == DutyReport.State.ACCEPTED else "duties.report_return"
        detail = {"reason": reason} if reason else None
        audit_record(actor=actor, action=action, obj=locked, organization=locked.organization_id, detail=detail)
    return refresh(report, locked)


def report_return(*, actor: Any, report: DutyReport, reason: str) -> DutyReport:
    """Back to the member with the reason, for him to edit and submit again."""
    reason = (reason or "").strip()
    error = text_error(reason, REASON_LIMIT, _("退回理由"))
    if error:
        raise ValidationError({"reason": error})
    return _review(actor=actor, report=report, state=DutyReport.State.RETURNED, reason=reason)


def report_accept(*, actor: Any, report: DutyReport) -> DutyReport:
    return _review(actor=actor, report=report, state=DutyReport.State.ACCEPTED)
