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


def home_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return workbench_view(request)
    return render(request, "core/home.html")


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
