"""A member's duty file for one year: at a glance (counts and points by kind, each linking to its records),
attendance, what is still owed, the records; read by the member himself or by staff who keep the files."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from xieshang.accounts.models import MemberProfile

from .. import exports, selectors
from .common import cached_part, need, org_or_404, xlsx, year_from

ENTRIES_PER_PAGE = 100


def _file_context(request: HttpRequest, member, organization, base_url: str) -> dict:
    years = selectors.years_for_member(member, organization)
    year = year_from(request, years[0] if years else None)
    if year not in years:
        years = sorted({*years, year}, reverse=True)
    kind = request.GET.get("kind", "")
    entries = selectors.entries_for_member(member, organization, year)
    kinds = selectors.kinds_for(organization)
    if kind:
        entries = entries.filter(kind=kind)
    names = {k: v.localized() for k, v in kinds.items()}
    page = Paginator(entries, ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    entries_list = list(page)
    for entry in entries_list:
        entry.kind_label = names.get(entry.kind, entry.kind)  # type: ignore[attr-defined]
    return {
        "member": member,
        "year": year,
        "years": years,
        "kind": kind,
        "kind_label": selectors.kind_label(kinds, kind) if kind else "",
        "entries": entries_list,
        "page": page,
        "summary": selectors.member_year(member, organization, year, kinds),
        "base_url": base_url,
    }


def _file_page(request: HttpRequest, member_of: Callable[[], Any], member_id: int, base_url: str, own: bool):
    """The file's page; its body (everything read from the records, and the member himself when staff read it)
    from the cache (common.cached_part): the member's name comes back with it for the title."""
    organization = org_or_404(request)

    def build() -> dict:
        member = member_of()
        context = _file_context(request, member, organization, base_url)
        return {**context, "own": own, "keep": {"name": member.display_name}}

    part = cached_part(request, organization, "duties/_mine_file.html", build, "file", member_id, own)
    return render(request, "duties/mine.html", {"member_name": part.keep["name"], "own": own, "body": part.html})


@login_required
def my_record_view(request: HttpRequest) -> HttpResponse:
    """我的履职: the signed-in member's file in the current organization, one year at a time."""
    return _file_page(request, lambda: request.user, request.user.pk, reverse("duties:mine"), own=True)


def _member_or_404(organization, user_id: int):
    profile = MemberProfile.objects.filter(organization=organization, user_id=user_id).select_related("user").first()
    if profile is None:
        raise Http404
    return profile.user


@login_required
def member_file_view(request: HttpRequest, user_id: int) -> HttpResponse:
    """A member's file read by staff; a member of another organization (or none) is not found — checked when the
    part is built, and a profile's removal starts a new duty generation (duties.wiring)."""
    organization = org_or_404(request)
    need(request, "duties.view_files", organization)
    member_of = partial(_member_or_404, organization, user_id)
    return _file_page(request, member_of, user_id, reverse("duties:member", args=[user_id]), own=False)


@login_required
def file_export_view(request: HttpRequest, user_id: int | None = None) -> HttpResponse:
    """The year's records as Excel: the member's own (no id) or, for staff, any member's."""
    organization = org_or_404(request)
    if user_id is None:
        member = request.user
    else:
        need(request, "duties.view_files", organization)
        member = _member_or_404(organization, user_id)
    year = year_from(request)
    kinds = {k: v.localized() for k, v in selectors.kinds_for(organization).items()}
    entries = selectors.entries_for_member(member, organization, year)
    name = member.display_name
    content = exports.entries_xlsx(entries, kinds, name, year)
    return xlsx(content, _("%(name)s-%(year)s年度履职记录") % {"name": name, "year": year})
