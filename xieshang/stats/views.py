"""The work report's pages: the figures for a period beside last year's, each a link to the records it counts; the
Word draft and the Excel workbook."""

from __future__ import annotations

import rules
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from xieshang.core import figures
from xieshang.core.documents import DOCX_TYPE, XLSX_TYPE
from xieshang.core.http import attachment_response

from . import dashboard as board
from . import documents
from .forms import PeriodForm, period_query
from .selectors import report_rows

PAGE_SIZE = 50


def _organization(request, perm: str = "stats.view_report"):
    organization = getattr(request, "organization", None)
    if organization is None:
        raise Http404
    if not rules.has_perm(perm, request.user, organization):
        raise PermissionDenied(_("只有本会机关工作人员和领导可以查看工作报告数据。"))
    return organization


def _period(request):
    form = PeriodForm(request.GET or None)
    return form, form.period()


@login_required
def report(request):
    organization = _organization(request)
    form, period = _period(request)
    return render(
        request,
        "stats/report.html",
        {
            "form": form,
            "period": period,
            "query": period_query(period),
            "sections": report_rows(organization.pk, period),
            "periods": figures.PERIODS,
        },
    )


@login_required
def report_docx(request):
    organization = _organization(request)
    _form, period = _period(request)
    content = documents.report_docx(organization, period, report_rows(organization.pk, period))
    name = _("%(org)s工作报告统计稿（%(query)s）.docx") % {"org": organization, "query": period_query(period)}
    return attachment_response(content, filename=name, content_type=DOCX_TYPE, ascii_filename="annual-report.docx")


@login_required
def report_xlsx(request):
    organization = _organization(request)
    _form, period = _period(request)
    content = documents.report_xlsx(organization, period, report_rows(organization.pk, period))
    name = _("%(org)s工作报告数据（%(query)s）.xlsx") % {"org": organization, "query": period_query(period)}
    return attachment_response(content, filename=name, content_type=XLSX_TYPE, ascii_filename="annual-report.xlsx")


@login_required
def figure(request, key: str):
    """The records behind one figure: the same query the figure counts, so the list's total is the figure."""
    organization = _organization(request)
    found = figures.get(key)
    if found is None:
        raise Http404
    form, period = _period(request)
    records = found.queryset(organization.pk, period.start, period.end)
    dimension = found.dimension(request.GET.get("by", ""))
    breakdown = dimension and found.breakdown(dimension, organization.pk, period.start, period.end)
    chosen = request.GET.get("value")
    if dimension and chosen is not None:
        blank = Q(**{f"{dimension.field}__isnull": True}) | Q(**{dimension.field: ""})
        records = records.filter(Q(**{dimension.field: chosen}) if chosen else blank).distinct()
    page = Paginator(records.order_by("pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "stats/figure.html",
        {
            "figure": found,
            "period": period,
            "query": period_query(period),
            "page": page,
            "rows": [found.row(obj) for obj in page.object_list],
            "dimension": dimension,
            "breakdown": breakdown,
            "chosen": chosen,
            "period_label": figures.PERIODS[found.period],
        },
    )


@login_required
def dashboard(request):
    """数据驾驶舱: the first paint carries the data (no second request); the page then refreshes it every minute."""
    organization = _organization(request, "stats.view_dashboard")
    form, period = _period(request)
    return render(
        request,
        "stats/dashboard.html",
        {
            "form": form,
            "period": period,
            "query": period_query(period),
            "data": board.dashboard_data(organization.pk, period),
        },
    )


@login_required
def dashboard_data(request):
    organization = _organization(request, "stats.view_dashboard")
    _form, period = _period(request)
    response = JsonResponse(board.dashboard_data(organization.pk, period))
    response["Cache-Control"] = "private, max-age=30"
    return response
