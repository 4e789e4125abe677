"""How the API knows who is calling: a personal access token (`Authorization: Bearer xst_…`, xieshang.api.tokens) or
the browser session (with CSRF on writes). A request carrying a bearer token is judged by the token alone: a refused
token is answered 401/403/429 and never falls back to the session.

Tokens open the API only: the admin and every page (the staff second-factor gate among them) read the session and
nothing else, so a token cannot open them."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, django_auth

from xieshang.accounts.selectors import user_organizations
from xieshang.audit.context import current_ip

from . import tokens


class TokenAuth(HttpBearer):
    def __call__(self, request: HttpRequest) -> Any:
        value = request.headers.get(self.header) or ""
        scheme, _sep, secret = value.partition(" ")
        if scheme.lower() != self.openapi_scheme:
            return None  # no bearer token: the session decides
        return self.authenticate(request, secret)

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        access = tokens.authenticate(token, path=request.path, method=request.method or "GET", ip=current_ip.get())
        user = access.user
        request.user = user
        request.access_token = access  # type: ignore[attr-defined]
        request.organizations = user_organizations(user)  # type: ignore[attr-defined]
        request.organization = access.organization  # type: ignore[attr-defined]
        return user


token_auth = TokenAuth()
AUTH = [token_auth, django_auth]
