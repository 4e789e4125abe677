"""The standing member's annual duty report: his reports and the draft button, the report page (edit, submit; for
staff accept or return with a reason), and the Word / PDF downloads of an accepted report."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xieshang.accounts.models import MemberProfile
from xieshang.core import documents as core_documents
from xieshang.core.http import attachment_response

from .. import documents, services
from ..forms import ReportForm, ReturnForm
from ..models import DutyReport
from ..selectors.report import figures_for
from .common import add_errors, field_errors, org_or_404, year_from


def _report_or_404(request: HttpRequest, pk: int) -> DutyReport:
    organization = org_or_404(request)
    report = DutyReport.objects.filter(pk=pk, organization=organization).select_related("member").first()
    if report is None:
        raise Http404
    if not rules.has_perm("duties.view_report", request.user, report):
        raise PermissionDenied
    return report


@login_required
def reports_view(request: HttpRequest) -> HttpResponse:
    """His own reports (standing members) and, for staff, the year's reports to review."""
    organization = org_or_404(request)
    year = year_from(request)
    can_draft = rules.has_perm("duties.draft_report", request.user, organization)
    can_review = rules.has_perm("duties.review_report", request.user, organization)
    if not (can_draft or can_review):
        raise PermissionDenied
    if request.method == "POST" and can_draft:
        report = services.report_draft(actor=request.user, organization=organization, year=year)
        return redirect(report.get_absolute_url())
    context = {
        "year": year,
        "years": list(range(timezone.localdate().year, timezone.localdate().year - 4, -1)),
        "can_draft": can_draft,
        "can_review": can_review,
        "mine": DutyReport.objects.filter(member=request.user, organization=organization) if can_draft else [],
        "to_review": (
            DutyReport.objects.filter(organization=organization, year=year)
            .select_related("member")
            .order_by("state", "member__name")
            if can_review
            else []
        ),
    }
    return render(request, "duties/reports.html", context)


def _page(request: HttpRequest, report: DutyReport, form=None, return_form=None, status: int = 200) -> HttpResponse:
    editable = rules.has_perm("duties.edit_report", request.user, report)
    reviewable = (
        rules.has_perm("duties.review_report", request.user, report) and report.state == DutyReport.State.SUBMITTED
    )
    context = {
        "report": report,
        "context": documents.report_context(report),
        "editable": editable,
        "reviewable": reviewable,
        "form": form or (ReportForm(initial={"title": report.title, "body": report.body}) if editable else None),
        "return_form": return_form or (ReturnForm() if reviewable else None),
        "placeholders": sorted(figures_for(report.member_id, report.organization_id, report.year).items())
        if editable
        else [],
        "downloadable": report.state == DutyReport.State.ACCEPTED,
    }
    return render(request, "duties/report.html", context, status=status)


@login_required
def report_view(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report_or_404(request, pk)
    if request.method == "POST":
        form = ReportForm(request.POST)
        if form.is_valid():
            try:
                services.report_save(actor=request.user, report=report, **form.cleaned_data)
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("报告已保存。"))
                return redirect(report.get_absolute_url())
        return _page(request, report, form=form, status=422)
    return _page(request, report)


@login_required
@require_POST
def report_action_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    report = _report_or_404(request, pk)
    try:
        if action == "submit":
            services.report_submit(actor=request.user, report=report)
            messages.success(request, _("报告已提交，等待审核。"))
        elif action == "accept":
            services.report_accept(actor=request.user, report=report)
            messages.success(request, _("报告已通过。"))
        elif action == "return":
            services.report_return(actor=request.user, report=report, reason=request.POST.get("reason", ""))
            messages.success(request, _("报告已退回。"))
        else:
            raise Http404
    except ValidationError as error:
        return_form = ReturnForm(request.POST) if action == "return" else None
        if return_form is not None:
            return_form.is_valid()
            add_errors(return_form, error)
        else:
            for message_list in field_errors(error).values():
                for message in message_list:
                    messages.error(request, message)
        return _page(request, report, return_form=return_form, status=422)
    return redirect(report.get_absolute_url())


@login_required
def report_document_view(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    report = _report_or_404(request, pk)
    if report.state != DutyReport.State.ACCEPTED:
        raise Http404
    profile = (
        MemberProfile.objects.filter(user_id=report.member_id, organization_id=report.organization_id)
        .select_related("sector")
        .first()
    )
    if kind == "print":
        return render(request, "duties/print_report.html", documents.report_context(report, profile=profile))
    if kind == "docx":
        content, content_type = documents.report_docx(report, profile), core_documents.DOCX_TYPE
    elif kind == "pdf":
        content, content_type = documents.report_pdf(report, profile), "application/pdf"
    else:
        raise Http404
    # RFC 6266: the UTF-8 name in filename*, an ASCII stand-in in filename.
    return attachment_response(content, filename=f"{documents.filename(report)}.{kind}", content_type=content_type)
