from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


class LanguageMiddleware:
    """Chinese first: the language is the user's choice (cookie, then profile), never guessed from the browser."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        supported = {code for code, _ in settings.LANGUAGES}
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class PermissionsPolicyMiddleware:
    """Send a Permissions-Policy header on every response: the platform uses no camera, microphone, location,
    payment or USB, so every such browser feature is switched off for it and for anything it embeds
    (settings.XIESHANG_PERMISSIONS_POLICY)."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response
        policy = getattr(settings, "XIESHANG_PERMISSIONS_POLICY", {})
        self.header = ", ".join(f"{feature}=({' '.join(allow)})" for feature, allow in policy.items())

    def __call__(self, request: Any) -> Any:
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class RequestSizeLimitMiddleware:
    """An over-size post gets a page in the user's language that states the limit (status 413), in production as in
    the demo, instead of Django's 400 (or, with DEBUG, its traceback page).

    A form's text fields may not exceed settings.DATA_UPLOAD_MAX_MEMORY_SIZE, a whole upload (files included)
    settings.XIESHANG_MAX_UPLOAD_BYTES. A body that announces more is refused before it is read; a form body is
    otherwise parsed here, before anything else reads it, so that Django's RequestDataTooBig or TooManyFieldsSent
    becomes the same page. The text cannot be kept server-side (it is not read); the page's back link returns to the
    form through the browser's history, which keeps what was typed."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        if request.method in ("POST", "PUT", "PATCH"):
            refused = self._refusal(request)
            if refused is not None:
                return too_large_response(request, refused)
        return self.get_response(request)

    @staticmethod
    def _refusal(request: Any) -> str | None:
        from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent

        content_type = request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
        if content_type not in _FORM_TYPES:
            return None
        multipart = content_type == "multipart/form-data"
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.XIESHANG_MAX_UPLOAD_BYTES if multipart else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and length > limit:
            return "upload" if multipart else "text"
        try:
            request.POST  # noqa: B018 - parse now, under our handling of the limits
        except (RequestDataTooBig, TooManyFilesSent):
            return "text"
        except TooManyFieldsSent:
            return "fields"
        if getattr(request, "_xieshang_upload_too_large", False):  # core.uploads.LimitedUploadHandler stopped it
            return "upload"
        return None


def too_large_response(request: Any, kind: str = "text") -> HttpResponse:
    """The 413 page: what was refused, the limit, and the way back to the form with the text kept."""
    from django.shortcuts import render
    from django.template.defaultfilters import filesizeformat
    from django.utils.http import url_has_allowed_host_and_scheme

    referer = request.META.get("HTTP_REFERER", "")
    back = referer if url_has_allowed_host_and_scheme(referer, {request.get_host()}, request.is_secure()) else "/"
    limits = {
        "text": filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE),
        "upload": filesizeformat(settings.XIESHANG_MAX_UPLOAD_BYTES),
        "fields": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS,
    }
    context = {"kind": kind, "limit": limits.get(kind, limits["text"]), "back": back}
    return render(request, "core/too_large.html", context, status=413)
