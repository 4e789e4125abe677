from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .context_processors import CARE_COOKIE
from .landing import landing_view
from .services import Refusal

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise
from .workbench import roles_of, sections_for

ONE_YEAR = 365 * 24 * 3600

# What a page shows as a refusal of the action it asked for: the service's message, in the user's language.
REFUSALS: tuple[type[Exception], ...] = (ValidationError, PermissionDenied, Refusal)


def refusal_text(exc: Exception) -> str:
    """The text of a service's refusal: a ValidationError's messages, a Refusal's message, or the exception."""
    if isinstance(exc, ValidationError):
        return "；".join(str(m) for m in exc.messages)
    message = getattr(exc, "message", None)
    if message:
        return str(message)
    return str(exc) or _("您没有执行此操作的权限。")


def apply_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put a service's refusal beside the field it names; anything else on top of the form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def act(
    request: HttpRequest,
    call: Callable[[], Any],
    *,
    success: StrOrPromise | Callable[[Any], StrOrPromise] | None,
    to: Any,
    refusals: tuple[type[Exception], ...] = REFUSALS,
) -> HttpResponse:
    """A posted action without a form of its own: run the service (`call()`); on a refusal (`refusals`) show its
    message, else `success` (a text, or a function of what the service returned); then redirect to `to` (what
    django.shortcuts.redirect takes: an object, a URL or a URL name). The refused write left nothing behind: the
    service ran in its own transaction."""
    try:
        result = call()
    except refusals as exc:
        messages.error(request, refusal_text(exc))
    else:
        if success is not None:
            messages.success(request, success(result) if callable(success) else success)
    return redirect(to)


def submit(
    request: HttpRequest,
    form: forms.BaseForm,
    call: Callable[[dict[str, Any]], Any],
    *,
    success: StrOrPromise | Callable[[Any], StrOrPromise] | None,
    to: Any,
    page: Callable[[forms.BaseForm], HttpResponse],
    refusals: tuple[type[Exception], ...] = (),
) -> HttpResponse:
    """A posted form: when it is valid, run the service (`call(form.cleaned_data)`); a ValidationError goes beside
    the fields it names, another refusal (`refusals`) on top of the form; on success show `success` and redirect to
    `to`. Otherwise `page(form)`: the page again with the form as typed and its errors (the caller sets the
    status)."""
    if form.is_valid():
        try:
            result = call(form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        except refusals as exc:
            form.add_error(None, refusal_text(exc))
        else:
            if success is not None:
                messages.success(request, success(result) if callable(success) else success)
            return redirect(to(result) if callable(to) else to)
    return page(form)


# What the anonymous home page shows besides its fixed links: domains register a function returning template context
# (consultations: the public rooms), so that the base knows no domain.
def home_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return workbench_view(request)
    return landing_view(request)


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
    """Each dependency (database, cache, task queue, disk) for a load balancer: 200 "ok" or "degraded" (Redis down,
    a long queue, a full disk: the platform still answers), 503 "down" when the database is unreachable."""
    from . import health

    body, status = health.report()
    response = JsonResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    return response


def server_error_view(request: HttpRequest) -> HttpResponse:
    """500, except when the database is unreachable (restarting, failed over): then 503 with Retry-After, a page that
    needs neither the database nor the cache, and the next request reconnects (core.health)."""
    import sys

    from django.template.loader import render_to_string
    from django.views.defaults import server_error

    from . import health

    if not health.is_database_unavailable(sys.exc_info()[1]):
        return server_error(request)
    health.logger.warning("Database unavailable during %s %s: answered 503", request.method, request.path)
    response = HttpResponse(render_to_string("core/unavailable.html"), status=503)
    response["Retry-After"] = "5"
    return response


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
