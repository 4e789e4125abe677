from collections.abc import Callable
from typing import Any

from django.conf import settings

from .navigation import entries_for

CARE_COOKIE = "xieshang_care"

# Higher apps add to every page's context by registration (notifications: the unread count), so core imports none.
ContextProvider = Callable[[Any], dict[str, Any]]
_providers: list[ContextProvider] = []


def register(provider: ContextProvider) -> ContextProvider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def care_mode(request: Any) -> bool:
    user = getattr(request, "user", None)
    cookie = request.COOKIES.get(CARE_COOKIE)
    if cookie is not None:
        return bool(cookie == "1")
    return bool(user and user.is_authenticated and user.care_mode)


def platform(request: Any) -> dict[str, Any]:
    user = getattr(request, "user", None)
    context = {
        "site_name": settings.XIESHANG_SITE_NAME,
        "care_mode": care_mode(request),
        "current_organization": getattr(request, "organization", None),
        "user_organizations": getattr(request, "organizations", []),
        "nav_entries": entries_for(user, getattr(request, "organization", None))
        if user is not None and user.is_authenticated
        else [],
    }
    for provider in _providers:
        context.update(provider(request))
    return context
