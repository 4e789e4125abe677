"""What every consultations page uses: the organization of the request, the permission check, HTMX."""

from __future__ import annotations

import rules
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

PER_PAGE = 30


def _org(request):
    if request.organization is None:
        raise Http404
    return request.organization


def _need(request, perm, obj):
    if not rules.has_perm(perm, request.user, obj):
        raise PermissionDenied


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _year(request) -> int:
    try:
        return int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        return timezone.localdate().year
