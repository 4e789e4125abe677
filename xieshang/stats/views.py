"""The work report's pages: the figures for a period beside last year's, each a link to the records it counts; the
Word draft and the Excel workbook."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.core import figures
from xieshang.core.documents import DOCX_TYPE, XLSX_TYPE
from xieshang.core.http import attachment_response, background_request, content_disposition

from . import dashboard as board
from . import documents, opendata, tasks
from .forms import PeriodForm, period_query
from .selectors import district_rows, report_rows

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
def districts(request):
    """The city's figures beside its districts' (where the districts use the platform), and the sum."""
    organization = _organization(request)
    form, period = _period(request)
    children, rows = district_rows(organization, period)
    return render(
        request,
        "stats/districts.html",
        {"form": form, "period": period, "query": period_query(period), "districts": children, "rows": rows},
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
        blank = Q(**{f"{dimension.lookup}__isnull": True}) | Q(**{dimension.lookup: ""})
        records = records.filter(Q(**{dimension.lookup: chosen}) if chosen else blank).distinct()
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
            "data": board.for_reader(board.dashboard_data(organization.pk, period), request.user, organization),
        },
    )


@background_request  # polled by the page itself: not the user's activity
@login_required
def dashboard_data(request):
    organization = _organization(request, "stats.view_dashboard")
    _form, period = _period(request)
    response = JsonResponse(board.for_reader(board.dashboard_data(organization.pk, period), request.user, organization))
    response["Cache-Control"] = "private, max-age=30"
    return response


FIRST_OPEN_DATA_YEAR = 2021


def _open_years() -> list[int]:
    return list(range(timezone.localdate().year, FIRST_OPEN_DATA_YEAR - 1, -1))


def open_data(request):
    """公开数据: for each active conference, one zip per year (no login). Staff may ask for a rebuild."""
    from xieshang.accounts.models import Organization

    organizations = list(Organization.objects.filter(is_active=True).order_by("level", "code"))
    mine = getattr(request, "organization", None)
    can_rebuild = mine is not None and rules.has_perm("stats.view_report", request.user, mine)
    if request.method == "POST" and can_rebuild:
        year = int(request.POST.get("year") or 0)
        if year in _open_years():
            tasks.rebuild_open_data.enqueue(mine.pk, year)
            messages.success(request, _("已安排重新生成 %(year)s 年的公开数据，稍后刷新本页。") % {"year": year})
        return redirect("stats:open_data")
    files = [
        (o, [(y, default_storage.exists(opendata.path_for(o.code, y))) for y in _open_years()]) for o in organizations
    ]
    return render(request, "stats/open_data.html", {"files": files, "can_rebuild": can_rebuild, "mine": mine})


def open_data_file(request, org: str, year: int):
    """The stored zip; a year never built yet is built now (and kept), so every listed year downloads."""
    from xieshang.accounts.models import Organization

    organization = get_object_or_404(Organization, code=org, is_active=True)
    if year not in _open_years():
        raise Http404
    path = opendata.path_for(organization.code, year)
    if not default_storage.exists(path):
        path = opendata.rebuild(organization, year)
    response = FileResponse(default_storage.open(path, "rb"), content_type="application/zip")
    response["Content-Disposition"] = content_disposition(
        _("%(org)s%(year)s年公开数据.zip") % {"org": organization.short_name, "year": year},
        ascii_filename=f"open-data-{organization.code}-{year}.zip",
    )
    return response
