"""Helpers shared by the proposal pages."""

from __future__ import annotations

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.utils.translation import gettext as _

from xieshang.accounts.models import Role
from xieshang.accounts.selectors import has_role

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


def refusal_text(exc) -> str:
    """The text of a service's refusal: TransitionError.message, a ValidationError's messages, or the exception."""
    if isinstance(exc, ValidationError):
        return "；".join(str(m) for m in exc.messages)
    message = getattr(exc, "message", None)
    if message:
        return str(message)
    return str(exc) or _("您没有执行此操作的权限。")


STAFF = Role.PROPOSALS_STAFF
