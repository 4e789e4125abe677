"""Units' annual handling reports and the evaluation of units (decision 0030): the list of a year's reports, a
report's page (the text the officer edits beside the table of figures, each figure linking to the records it counts;
the office's review; downloads), the records behind a figure, the ranking with its Excel export and the weights."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xieshang.accounts.models import HandlingUnit, Role
from xieshang.accounts.selectors import has_role
from xieshang.core.idempotency import once_per_submission
from xieshang.core.views import REFUSALS, act, refusal_text, submit

from .. import selectors, unit_records
from .. import unit_report_documents as documents
from ..forms import EvaluationWeightsForm, UnitReportForm, UnitReportReturnForm, UnitYearForm
from ..models import UnitEvaluationWeights, UnitReport
from ..page_queries import mask_contacts
from ..services import unit_reports as services
from .common import need, org_or_404, paginate
from .reports import _file

OVERSEERS = (Role.PROPOSALS_STAFF, Role.SUPERVISOR, Role.LEADER)


def _year(request, organization) -> tuple[UnitYearForm, int]:
    years = selectors.unit_report_years(organization)
    year = selectors.default_report_year(organization)
    if year not in years:
        years = sorted({*years, year}, reverse=True)
    form = UnitYearForm(request.GET or None, years=years, initial={"year": year})
    if form.is_bound and form.is_valid() and form.cleaned_data.get("year"):
        year = form.cleaned_data["year"]
    return form, year


# the reports


@login_required
def unit_reports_view(request):
    organization = org_or_404(request)
    need(request, "proposals.view_unit_reports", organization)
    form, year = _year(request, organization)
    user = request.user
    reports = list(selectors.unit_reports_for(user, organization, year))
    overseer = any(has_role(user, r, organization) for r in OVERSEERS)
    mine = selectors.officer_unit_ids(user, organization.pk)
    units = []
    if overseer or mine:
        by_unit = {r.unit_id: r for r in reports}
        shown = HandlingUnit.objects.filter(organization=organization, is_active=True).order_by("name")
        if not overseer:
            shown = shown.filter(pk__in=sorted(mine))
        units = [{"unit": u, "report": by_unit.get(u.pk), "mine": u.pk in mine} for u in shown]
        listed = {row["unit"].pk for row in units}
        reports = [r for r in reports if r.status == UnitReport.Status.PUBLISHED and r.unit_id not in listed]
    return render(
        request,
        "proposals/unit_reports.html",
        {
            "form": form,
            "year": year,
            "units": units,
            "published": reports,
            "overseer": overseer,
            "is_staff": has_role(user, Role.PROPOSALS_STAFF, organization),
            "may_rank": rules.has_perm("proposals.view_unit_evaluation", user, organization),
        },
    )


@require_POST
@login_required
def unit_report_draft_view(request, unit_id: int, year: int):
    organization = org_or_404(request)
    unit = get_object_or_404(HandlingUnit, pk=unit_id, organization=organization)
    try:
        report = services.unit_report_draft(actor=request.user, unit=unit, year=year)
    except REFUSALS as exc:
        messages.error(request, refusal_text(exc))
        return redirect(reverse("proposals:unit_reports") + f"?year={year}")
    return redirect(report)


def _report_page(request, report: UnitReport, *, form=None, return_form=None, status=200):
    user = request.user
    may_write = report.is_editable and rules.has_perm("proposals.write_unit_report", user, report)
    may_review = rules.has_perm("proposals.review_unit_report", user, report)
    if may_write and form is None:
        form = UnitReportForm(initial={"title": report.title, "text": report.text})
    if may_review and report.status == UnitReport.Status.SUBMITTED and return_form is None:
        return_form = UnitReportReturnForm()
    may_records = rules.has_perm("proposals.view_unit_report_records", user, report)
    figures = documents.report_figures(report)
    return render(
        request,
        "proposals/unit_report.html",
        {
            "report": report,
            "form": form if may_write else None,
            "return_form": return_form if may_review and report.status == UnitReport.Status.SUBMITTED else None,
            "may_write": may_write,
            "may_review": may_review,
            "may_records": may_records,
            "groups": documents.figure_rows(figures),
            "live": not report.figures,
        },
        status=status,
    )


@login_required
def unit_report_view(request, pk: int):
    return _report_page(request, selectors.get_unit_report_for_user(request.user, pk))


@require_POST
@login_required
@once_per_submission
def unit_report_save_view(request, pk: int):
    report = selectors.get_unit_report_for_user(request.user, pk)
    form = UnitReportForm(request.POST)
    then_submit = "submit" in request.POST

    def call(data):
        saved = services.unit_report_save(actor=request.user, report=report, title=data["title"], text=data["text"])
        if then_submit:
            services.unit_report_submit(actor=request.user, report=saved)
        return saved

    return submit(
        request,
        form,
        call,
        success=_("已提交提案委员会审核。") if then_submit else _("已保存。"),
        to=report,
        page=lambda f: _report_page(request, report, form=f, status=422),
        refusals=REFUSALS,
    )


@require_POST
@login_required
def unit_report_regenerate_view(request, pk: int):
    report = selectors.get_unit_report_for_user(request.user, pk)
    return act(
        request,
        lambda: services.unit_report_regenerate(actor=request.user, report=report),
        success=_("已按最新办理记录重新生成正文。"),
        to=report,
    )


@require_POST
@login_required
@once_per_submission
def unit_report_return_view(request, pk: int):
    report = selectors.get_unit_report_for_user(request.user, pk)
    form = UnitReportReturnForm(request.POST)
    return submit(
        request,
        form,
        lambda data: services.unit_report_return(actor=request.user, report=report, reason=data["reason"]),
        success=_("已退回承办单位修改。"),
        to=report,
        page=lambda f: _report_page(request, report, return_form=f, status=422),
        refusals=REFUSALS,
    )


@require_POST
@login_required
def unit_report_accept_view(request, pk: int):
    report = selectors.get_unit_report_for_user(request.user, pk)
    return act(
        request,
        lambda: services.unit_report_accept(actor=request.user, report=report),
        success=_("已审核通过，可以公布。"),
        to=report,
    )


@require_POST
@login_required
def unit_report_publish_view(request, pk: int):
    report = selectors.get_unit_report_for_user(request.user, pk)
    return act(
        request,
        lambda: services.unit_report_publish(actor=request.user, report=report),
        success=_("已公布。"),
        to=report,
    )


@login_required
def unit_report_records_view(request, pk: int, key: str):
    report = selectors.get_unit_report_for_user(request.user, pk)
    need(request, "proposals.view_unit_report_records", report)
    if key not in unit_records.BY_KEY:
        raise Http404
    records = unit_records.measure_records(report.organization_id, report.unit_id, report.year, key)
    page = paginate(request, records.order_by("-id"))
    rows = [unit_records.record_row(obj) for obj in page]
    return render(
        request,
        "proposals/unit_report_records.html",
        {
            "report": report,
            "measure": unit_records.BY_KEY[key],
            "page": page,
            "rows": rows,
            "count": page.paginator.count,
            "submitted_value": (report.figures or {}).get(key),
        },
    )


@login_required
def unit_report_document_view(request, pk: int, kind: str):
    report = selectors.get_unit_report_for_user(request.user, pk)
    if kind not in ("docx", "pdf"):
        raise Http404
    content = documents.report_docx(report) if kind == "docx" else documents.report_pdf(report)
    return _file(content, documents.filename(report), kind)


# the evaluation


@login_required
def evaluation_view(request):
    organization = org_or_404(request)
    need(request, "proposals.view_unit_evaluation", organization)
    form, year = _year(request, organization)
    weights = UnitEvaluationWeights.for_organization(organization)
    return render(
        request,
        "proposals/unit_evaluation.html",
        {
            "form": form,
            "year": year,
            "weights": weights,
            "weight_rows": [
                (unit_records.RATE_LABELS[rate], getattr(weights, field)) for field, rate in unit_records.WEIGHT_FIELDS
            ],
            "rows": unit_records.evaluation(organization.pk, year, weights),
            "rates": unit_records.RATES,
            "may_weigh": rules.has_perm("proposals.set_unit_evaluation_weights", request.user, organization),
        },
    )


@login_required
def evaluation_xlsx_view(request):
    organization = org_or_404(request)
    need(request, "proposals.view_unit_evaluation", organization)
    _form, year = _year(request, organization)
    weights = UnitEvaluationWeights.for_organization(organization)
    rows = unit_records.evaluation(organization.pk, year, weights)
    response = HttpResponse(
        unit_records.evaluation_xlsx(organization, year, rows, weights),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="unit-evaluation-{year}.xlsx"'
    return response


def _weights_page(request, form, status=200):
    return render(request, "proposals/unit_evaluation_weights.html", {"form": form}, status=status)


@login_required
@once_per_submission
def evaluation_weights_view(request):
    organization = org_or_404(request)
    if not rules.has_perm("proposals.set_unit_evaluation_weights", request.user, organization):
        raise PermissionDenied
    if request.method != "POST":
        weights = UnitEvaluationWeights.for_organization(organization)
        initial = {name: getattr(weights, name) for name, _rate in unit_records.WEIGHT_FIELDS}
        return _weights_page(request, EvaluationWeightsForm(initial=initial))
    form = EvaluationWeightsForm(request.POST)
    return submit(
        request,
        form,
        lambda data: services.evaluation_weights_save(actor=request.user, organization=organization, **data),
        success=_("评价权重已保存。"),
        to=reverse("proposals:unit_evaluation"),
        page=lambda f: _weights_page(request, f, status=422),
        refusals=REFUSALS,
    )


# the public portal


def public_unit_reports_view(request, org: str):
    from .public import _organization

    organization = _organization(org)
    return render(
        request,
        "proposals/public_unit_reports.html",
        {"organization": organization, "reports": list(selectors.published_unit_reports(organization))},
    )


def public_unit_report_view(request, org: str, pk: int):
    from .public import _organization

    organization = _organization(org)
    report = selectors.published_unit_reports(organization).filter(pk=pk).first()
    if report is None:
        raise Http404
    return render(
        request,
        "proposals/public_unit_report.html",
        {
            "organization": organization,
            "report": report,
            "paragraphs": [mask_contacts(p.strip()) for p in report.text.splitlines() if p.strip()],
            "groups": documents.figure_rows(report.figures),
        },
    )
