"""Helpers of the duty pages: the organization, the permission, the year from the query string, the cached part."""

from __future__ import annotations

from typing import Any

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import get_language

from xieshang.core import fragments
from xieshang.core.http import attachment_response

from .. import selectors

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def org_or_404(request: HttpRequest) -> Any:
    organization = getattr(request, "organization", None)
    if organization is None:
        raise Http404
    return organization


def need(request: HttpRequest, perm: str, obj: Any = None) -> None:
    if not rules.has_perm(perm, request.user, obj):
        raise PermissionDenied


def year_from(request: HttpRequest, default: int | None = None) -> int:
    """The year asked for (?year=), else `default`, else this year; nonsense falls back the same way."""
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return default or timezone.localdate().year
    return year if 2000 <= year <= 2100 else (default or timezone.localdate().year)


def cached_part(request: HttpRequest, organization: Any, template: str, build: Any, *parts: Any) -> fragments.Part:
    """The page's expensive part from the cache (core.fragments), kept under the organization's duty generation, the
    language, the query string (year, filters, page, kind) and `parts` (whose page it is)."""
    query = "&".join(sorted(request.GET.urlencode().split("&")))
    vary = ":".join(str(p) for p in (organization.pk, get_language(), query, *parts))
    generations = selectors.page_generations(organization)
    return fragments.cached(
        request, template, build, vary=vary, generations=generations, seconds=selectors.PAGE_SECONDS
    )


def xlsx(content: bytes, name: str) -> Any:
    return attachment_response(content, filename=f"{name}.xlsx", content_type=XLSX_TYPE)


def field_errors(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {k: [str(m) for m in v] for k, v in error.message_dict.items()}
    return {"__all__": [str(m) for m in error.messages]}


def add_errors(form: Any, error: ValidationError) -> None:
    for field, messages in field_errors(error).items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)
