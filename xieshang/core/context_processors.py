from django.conf import settings

from xieshang.notifications.selectors import unread_count

from .navigation import entries_for

CARE_COOKIE = "xieshang_care"


def care_mode(request) -> bool:
    user = getattr(request, "user", None)
    cookie = request.COOKIES.get(CARE_COOKIE)
    if cookie is not None:
        return cookie == "1"
    return bool(user and user.is_authenticated and user.care_mode)


def platform(request):
    user = getattr(request, "user", None)
    return {
        "site_name": settings.XIESHANG_SITE_NAME,
        "care_mode": care_mode(request),
        "unread_notifications": unread_count(user) if user is not None else 0,
        "current_organization": getattr(request, "organization", None),
        "user_organizations": getattr(request, "organizations", []),
        "nav_entries": entries_for(user, getattr(request, "organization", None))
        if user is not None and user.is_authenticated
        else [],
    }
