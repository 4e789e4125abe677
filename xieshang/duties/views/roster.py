"""The member directory (委员名录): members and staff find a member by name as they type (htmx, debounced; without
scripts the same form is a plain GET), filter by the pickers' groups and term, and export the list to Excel. Phone
numbers are shown and exported to staff only."""

from __future__ import annotations

import rules
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .. import exports, selectors
from .common import need, org_or_404, xlsx

PER_PAGE = 50


@login_required
def roster_view(request: HttpRequest) -> HttpResponse:
    organization = org_or_404(request)
    need(request, "duties.view_roster", organization)
    phones = rules.has_perm("duties.view_phones", request.user, organization)
    filters = {
        "query": request.GET.get("q", "").strip()[:40],
        "group": request.GET.get("group", "").strip()[:60],
        "term": request.GET.get("term", "").strip()[:20],
    }
    profiles = selectors.roster(organization, **filters)
    if request.GET.get("format") == "xlsx":
        rows = selectors.roster_rows(organization, profiles)
        return xlsx(exports.roster_xlsx(rows, phones=phones), _("委员名录"))
    page = Paginator(profiles, PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = selectors.roster_rows(organization, page.object_list)
    context = {"page": page, "filters": filters, "phones": phones, "query": request.GET.urlencode()}
    if request.headers.get("HX-Request") == "true":
        return render(request, "duties/roster.html#results", context)
    groups = selectors.roster_groups(organization)
    kinds = [("sector", _("界别")), ("committee", _("专委会")), ("district", _("区县")), ("studio", _("委员工作室")),
             ("standing", _("常委"))]  # fmt: skip
    context |= {
        "groups": [(label, [g for g in groups if g.kind == kind]) for kind, label in kinds],
        "terms": selectors.terms(organization),
    }
    return render(request, "duties/roster.html", context)
