from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .context_processors import CARE_COOKIE
from .workbench import roles_of, sections_for

ONE_YEAR = 365 * 24 * 3600

# What the anonymous home page shows besides its fixed links: domains register a function returning template context
# (consultations: the public rooms), so that the base knows no domain.
_home_context: list[Callable[[HttpRequest], dict[str, Any]]] = []


def register_home_context(fn: Callable[[HttpRequest], dict[str, Any]]) -> None:
    if fn not in _home_context:
        _home_context.append(fn)


def home_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return workbench_view(request)
    context: dict[str, Any] = {}
    for fn in _home_context:
        context.update(fn(request))
    return render(request, "core/home.html", context)


@login_required
def workbench_view(request: Any) -> HttpResponse:  # request.organization: accounts.CurrentOrganizationMiddleware
    sections = sections_for(request.user, request.organization)
    return render(
        request,
        "core/workbench.html",
        {
            "sections": sections,
            "roles": roles_of(request.user, request.organization),
            "total": sum(s.count for s in sections),
        },
    )


@require_POST
def preferences_view(request: HttpRequest) -> HttpResponse:
    """Language and care mode, from the header; kept in a cookie and, for a signed-in user, in the profile."""
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    language = request.POST.get("language")
    if language in {code for code, _ in settings.LANGUAGES}:
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=ONE_YEAR, samesite="Lax")
        if request.user.is_authenticated:
            request.user.language = language
            request.user.save(update_fields=["language"])
    care = request.POST.get("care")
    if care in {"0", "1"}:
        response.set_cookie(CARE_COOKIE, care, max_age=ONE_YEAR, samesite="Lax")
        if request.user.is_authenticated:
            request.user.care_mode = care == "1"
            request.user.save(update_fields=["care_mode"])
    return response


def healthz_view(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def bad_request_view(request: HttpRequest, exception: Exception) -> HttpResponse:
    """400, except for an over-size post that reached Django's own limits elsewhere: the 413 page with the limit."""
    from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
    from django.views.defaults import bad_request

    from .middleware import too_large_response

    if isinstance(exception, TooManyFieldsSent):
        return too_large_response(request, "fields")
    if isinstance(exception, (RequestDataTooBig, TooManyFilesSent)):
        return too_large_response(request, "text")
    return bad_request(request, exception)
