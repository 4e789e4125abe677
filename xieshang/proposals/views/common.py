"""Helpers shared by the proposal pages."""

from __future__ import annotations

import rules
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404

from xieshang.accounts.models import Role
from xieshang.accounts.selectors import has_role
from xieshang.core.views import refusal_text  # noqa: F401 (the pages' import)

PER_PAGE = 30


def org_or_404(request):
    if getattr(request, "organization", None) is None:
        raise Http404
    return request.organization


def need(request, perm: str, obj=None) -> None:
    if not rules.has_perm(perm, request.user, obj):
        raise PermissionDenied


def need_role(request, organization, *roles) -> None:
    if not any(has_role(request.user, role, organization) for role in roles):
        raise PermissionDenied


def paginate(request, queryset, per_page: int = PER_PAGE):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


STAFF = Role.PROPOSALS_STAFF
