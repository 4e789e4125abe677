from django.core.cache import cache
from django.db import transaction

from .models import Notification


def inbox(user, *, unread_only: bool = False):
    qs = Notification.objects.filter(recipient=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def page_context(request) -> dict:
    """Every page's unread badge (registered with core.context_processors)."""
    user = getattr(request, "user", None)
    return {"unread_notifications": unread_count(user) if user is not None else 0}


# The badge of every page: cached per user, forgotten when a notification is written or read (forget_unread, called
# by the services and by the model's save/delete signals for writes outside them), so a page view costs no query.
_UNREAD_KEY = "xieshang:unread:{}"
_UNREAD_TTL = 600


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    key = _UNREAD_KEY.format(user.pk)
    count = cache.get(key)
    if count is None:
        count = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
        cache.set(key, count, _UNREAD_TTL)
    return int(count)


def forget_unread(user_id: int) -> None:
    """Drop the cached count now and again after the surrounding transaction commits (a reader between the write and
    the commit would otherwise cache the old count)."""
    key = _UNREAD_KEY.format(user_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))
