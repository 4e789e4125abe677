"""Staff pages: the ranking with tiers and filters, the members who fell short, the rules and tier cut-offs; each
list also as Excel (?format=xlsx)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from .. import exports, selectors, services
from ..forms import RuleForm, TiersForm
from .common import add_errors, cached_part, need, org_or_404, xlsx, year_from

PER_PAGE = 50


def _filters(request: HttpRequest, organization: Any) -> dict:
    def number(name: str) -> int | None:
        value = request.GET.get(name, "")
        return int(value) if value.isdigit() else None

    return {
        "sector": number("sector"),
        "committee": number("committee"),
        "district": request.GET.get("district", "").strip()[:40],
    }


def _page(request: HttpRequest, rows: list[selectors.RankRow]) -> Any:
    """One page of rows, each with the link to the member's file (reversed once, not per row)."""
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    prefix = reverse("duties:member", args=[0]).removesuffix("0/")
    for row in page:
        row.url = f"{prefix}{row.member_id}/"  # type: ignore[attr-defined]
    return page


def _filter_context(request: HttpRequest, organization: Any, filters: dict) -> dict:
    return {
        "sectors": list(organization.sectors.order_by("name").values_list("id", "name")),
        "committees": list(organization.committees.order_by("name").values_list("id", "name")),
        "districts": selectors.districts(organization),
        "filters": filters,
        "query": request.GET.urlencode(),
    }


@login_required
def ranking_view(request: HttpRequest) -> HttpResponse:
    organization = org_or_404(request)
    need(request, "duties.view_files", organization)
    year = year_from(request)
    filters = _filters(request, organization)
    if request.GET.get("format") == "xlsx":
        rows = selectors.ranking(organization, year, **filters)
        return xlsx(exports.ranking_xlsx(rows, year), _("%(year)s年度履职排名") % {"year": year})

    def build() -> dict[str, Any]:
        page, tiers = selectors.ranking_page(
            organization, year, page=request.GET.get("page"), per_page=PER_PAGE, **filters
        )
        prefix = reverse("duties:member", args=[0]).removesuffix("0/")
        for row in page:
            row.url = f"{prefix}{row.member_id}/"  # type: ignore[attr-defined]
        return {
            "year": year,
            "page": page,
            "tier_counts": [(selectors.TIERS[k], n) for k, n in tiers.items()],
            "conf": selectors.settings_for(organization),
            **_filter_context(request, organization, filters),
        }

    part = cached_part(request, organization, "duties/_ranking_table.html", build)
    return render(request, "duties/ranking.html", {"year": year, "body": part.html})


@login_required
def shortfalls_view(request: HttpRequest) -> HttpResponse:
    organization = org_or_404(request)
    need(request, "duties.view_files", organization)
    year = year_from(request)
    filters = _filters(request, organization)
    rows = selectors.shortfalls(organization, year, **filters)
    if request.GET.get("format") == "xlsx":
        return xlsx(exports.shortfalls_xlsx(rows, year), _("%(year)s年度未达履职要求") % {"year": year})
    context = {
        "year": year,
        "page": _page(request, rows),
        "requirements": selectors.requirements_for(organization),
        **_filter_context(request, organization, filters),
    }
    return render(request, "duties/shortfalls.html", context)


@login_required
def rules_view(request: HttpRequest) -> HttpResponse:
    organization = org_or_404(request)
    need(request, "duties.manage_rules", organization)
    year = year_from(request)
    rules = selectors.rules_for(organization, year)
    kinds = {k: v.localized() for k, v in selectors.kinds_for(organization).items()}
    if request.GET.get("format") == "xlsx":
        return xlsx(exports.rules_xlsx(rules, kinds, year), _("%(year)s年度履职积分规则") % {"year": year})
    conf = selectors.settings_for(organization)
    tiers_form = TiersForm(
        initial={"excellent_min": conf.excellent_min, "pass_min": conf.pass_min, "basic_min": conf.basic_min}
    )
    if request.method == "POST":
        tiers_form = TiersForm(request.POST)
        if tiers_form.is_valid():
            try:
                services.tiers_update(actor=request.user, organization=organization, **tiers_form.cleaned_data)
            except ValidationError as error:
                add_errors(tiers_form, error)
            else:
                messages.success(request, _("等次分数线已保存。"))
                return redirect(f"{reverse('duties:rules')}?year={year}")
    context = {
        "year": year,
        "years": list(range(year + 1, year - 4, -1)),
        "rules": rules,
        "kind_names": kinds,
        "tiers_form": tiers_form,
        "requirements": selectors.requirements_for(organization),
    }
    return render(request, "duties/rules.html", context, status=422 if tiers_form.errors else 200)


@login_required
def rule_edit_view(request: HttpRequest, key: str) -> HttpResponse:
    organization = org_or_404(request)
    need(request, "duties.manage_rules", organization)
    year = year_from(request)
    rule = selectors.rule_for(organization, key, year)
    if rule is None:
        raise Http404
    form = RuleForm(
        initial={
            "label": rule.label,
            "label_en": rule.label_en,
            "points": rule.points,
            "cap_per_year": rule.cap_per_year if rule.cap_per_year is not None else "",
            "is_active": rule.is_active,
        }
    )
    if request.method == "POST":
        form = RuleForm(request.POST)
        if form.is_valid():
            try:
                services.rule_update(
                    actor=request.user, organization=organization, key=key, year=year, **form.cleaned_data
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("规则已保存，自 %(year)s 年起适用。") % {"year": year})
                return redirect(f"{reverse('duties:rules')}?year={year}")
    context = {
        "rule": rule,
        "year": year,
        "form": form,
        "versions": selectors.versions_of(organization, key),
        "kind_name": selectors.kind_label(selectors.kinds_for(organization), rule.kind),
    }
    return render(request, "duties/rule_edit.html", context, status=422 if form.errors else 200)
