"""How every router's refusals become HTTP answers, in one place: the exception handlers registered on the NinjaAPI
and the error responses the OpenAPI schema documents for every operation.

    workflow NotAllowed, django PermissionDenied           403  {"detail": message, "code": ...}
    workflow InvalidEdge, Conflict, ConditionFailed, ...   409
    workflow ReasonRequired, InvalidPayload; django
    ValidationError; a request that fails its schema        422
    Http404                                                 404
    not signed in, or a bearer token unknown, expired,
    revoked or of an inactive account                       401  (WWW-Authenticate: Bearer)
    a bearer token without the scope the request needs      403  {"code": "insufficient_scope"}
    a bearer token over its rate limit                      429  (Retry-After)
    a request body that is not JSON                         400

Routers raise; they do not catch TransitionError, PermissionDenied or ValidationError to build answers themselves."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError

from xieshang.api.tokens import TokenRefused
from xieshang.core.api import DESCRIPTIONS, ErrorOut
from xieshang.workflow.exceptions import (
    ConditionFailed,
    Conflict,
    DeadlineError,
    InvalidEdge,
    InvalidPayload,
    NotAllowed,
    ReasonRequired,
    TransitionError,
)

STATUS_FOR: dict[type[TransitionError], int] = {
    NotAllowed: 403,
    InvalidEdge: 409,
    Conflict: 409,
    ConditionFailed: 409,
    DeadlineError: 409,
    ReasonRequired: 422,
    InvalidPayload: 422,
}


def status_for(exc: TransitionError) -> int:
    for cls in type(exc).__mro__:
        if cls in STATUS_FOR:
            return STATUS_FOR[cls]
    return 409


def transition_error(api: NinjaAPI, request: HttpRequest, exc: TransitionError) -> HttpResponse:
    return api.create_response(request, {"detail": exc.message, "code": exc.code}, status=status_for(exc))


def permission_denied(api: NinjaAPI, request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(
        request, {"detail": str(exc) or "permission denied", "code": "permission_denied"}, status=403
    )


def validation_error(api: NinjaAPI, request: HttpRequest, exc: ValidationError) -> HttpResponse:
    detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
    return api.create_response(request, {"detail": detail, "code": "invalid"}, status=422)


def not_found(api: NinjaAPI, request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "Not Found", "code": "not_found"}, status=404)


def not_authenticated(api: NinjaAPI, request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = api.create_response(
        request,
        {"detail": "Authentication required: a session or a bearer token", "code": "not_authenticated"},
        status=401,
    )
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def token_refused(api: NinjaAPI, request: HttpRequest, exc: TokenRefused) -> HttpResponse:
    response = api.create_response(request, {"detail": exc.message, "code": exc.code}, status=exc.status)
    if exc.status == 401:
        response["WWW-Authenticate"] = f'Bearer realm="api", error="invalid_token", error_description="{exc.code}"'
    elif exc.status == 403:
        response["WWW-Authenticate"] = 'Bearer realm="api", error="insufficient_scope"'
    if exc.retry_after is not None:
        response["Retry-After"] = str(exc.retry_after)
    return response


HANDLERS = {
    AuthenticationError: not_authenticated,
    TokenRefused: token_refused,
    TransitionError: transition_error,
    PermissionDenied: permission_denied,
    ValidationError: validation_error,
    Http404: not_found,
}


def register(api: NinjaAPI) -> None:
    """Install the handlers on one NinjaAPI (the platform's, or a test's own)."""
    for exc_class, handler in HANDLERS.items():
        api.add_exception_handler(exc_class, lambda request, exc, handler=handler: handler(api, request, exc))


def document(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the error answers to every operation of an OpenAPI schema: 400 and 422 everywhere (an unreadable body, the
    request schema), 401, 403 and 429 where authentication applies (a token's rate limit), 404 where the path names
    an object, 409 on writes."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("ErrorOut", ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}"))
    body = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            codes = [400, 422]
            if operation.get("security"):
                codes += [401, 403, 429]
            if "{" in path:
                codes.append(404)
            if method.lower() in ("post", "put", "patch", "delete"):
                codes.append(409)
            for code in sorted(codes):
                operation["responses"].setdefault(code, {"description": DESCRIPTIONS[code], "content": body})
    return schema
