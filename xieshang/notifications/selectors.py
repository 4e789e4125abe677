from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet

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


LATEST_SHOWN = 5
_LATEST_KEY = "xieshang:unread-latest:{}"


def latest_unread(user) -> list:
    """The newest LATEST_SHOWN unread notifications (the workbench's section), kept per user beside the count and
    forgotten with it."""
    key = _LATEST_KEY.format(user.pk)
    rows = cache.get(key)
    if rows is None:
        unread = Notification.objects.filter(recipient=user, read_at__isnull=True).order_by("-created_at")
        rows = list(unread[:LATEST_SHOWN])
        cache.set(key, rows, _UNREAD_TTL)
    return rows


def forget_unread(user_id: int) -> None:
    """Drop the cached count (and the newest unread) now and again after the surrounding transaction commits (a
    reader between the write and the commit would otherwise cache the old count)."""
    keys = [_UNREAD_KEY.format(user_id), _LATEST_KEY.format(user_id)]
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


# The SMS log (SMS both ways): administrators and the offices that send notices read it.
SMS_LOG_ROLES = (
    "system_admin",
    "security_admin",
    "audit_admin",
    "proposals_staff",
    "information_staff",
    "committee_staff",
)


def may_read_sms_log(user, organization) -> bool:
    from xieshang.core.workbench import roles_of  # accounts hands the roles over (notifications sits below it)

    return bool(set(roles_of(user, organization)) & set(SMS_LOG_ROLES))


def sms_log(organization, *, direction: str = "out", phone: str = ""):
    """The organization's SMS, newest first: "out" what it sent, "in" the replies to its questions."""
    from .models import InboundSms, SmsMessage

    org_id = getattr(organization, "pk", organization)
    qs: QuerySet
    if direction == "in":
        qs = InboundSms.objects.filter(organization_id=org_id).select_related("prompt")
    else:
        qs = SmsMessage.objects.filter(organization_id=org_id).prefetch_related("prompts")
    if phone:
        qs = qs.filter(phone__endswith=phone[-11:])
    return qs.order_by("-id")


def sms_today(organization) -> dict:
    """Today's counts: sent, replies received, and the organization's daily budget used (core.limits)."""
    from django.utils import timezone

    from xieshang.core import limits

    from .models import InboundSms, SmsMessage

    org_id = getattr(organization, "pk", organization)
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    budget = limits.rules("sms_budget").get("organization", [(0, 0)])[0][0]
    return {
        "sent": SmsMessage.objects.filter(organization_id=org_id, created_at__gte=start).count(),
        "received": InboundSms.objects.filter(organization_id=org_id, received_at__gte=start).count(),
        "budget": budget,
        "budget_used": limits.peek("sms_budget", "organization", org_id),
    }


def is_following(user, obj) -> bool:
    from . import follows
    from .models import Follow

    if not getattr(user, "is_authenticated", False):
        return False
    return Follow.objects.filter(user=user, content_type=follows.content_type(obj), object_id=obj.pk).exists()


def followed_on_page(request, obj) -> bool:
    """Whether the signed-in reader follows obj, for a page with many follow buttons (a consultation's outcomes, a
    room's topics' outcomes): his follows are read once per request, not once per button."""
    from . import follows
    from .models import Follow

    user = request.user
    if not getattr(user, "is_authenticated", False):
        return False
    keys = getattr(request, "_followed_keys", None)
    if keys is None:
        keys = set(Follow.objects.filter(user=user).values_list("content_type_id", "object_id"))
        request._followed_keys = keys
    return (follows.content_type(obj).pk, obj.pk) in keys


def followers_of(obj) -> list:
    """The people following obj, active accounts only."""
    from . import follows
    from .models import Follow

    rows = Follow.objects.filter(
        content_type=follows.content_type(obj), object_id=obj.pk, user__is_active=True
    ).select_related("user")
    return [row.user for row in rows.order_by("id")]


def followed_ids(user, model) -> QuerySet:
    """The ids of the objects of `model` this person follows (a subquery for the domain's own lists)."""
    from django.contrib.contenttypes.models import ContentType

    from .models import Follow

    return Follow.objects.filter(
        user=user, content_type=ContentType.objects.get_for_model(model, for_concrete_model=True)
    ).values("object_id")


def my_follows(user) -> list[dict]:
    """His follows with what each is: one query for the follows, one per kind of object for their titles. An object
    that has gone (or is no longer his to see) is listed without a link, so he can still end the follow."""
    from collections import defaultdict

    from . import follows
    from .models import Follow

    rows = list(Follow.objects.filter(user=user).select_related("content_type").order_by("-created_at", "-id"))
    by_type: dict[int, list] = defaultdict(list)
    for row in rows:
        by_type[row.content_type_id].append(row)
    objects: dict[tuple[int, int], object] = {}
    for type_id, group in by_type.items():
        model = group[0].content_type.model_class()
        if model is not None:
            for pk, obj in model._default_manager.in_bulk([r.object_id for r in group]).items():
                objects[(type_id, pk)] = obj
    listed = []
    for row in rows:
        obj = objects.get((row.content_type_id, row.object_id))
        entry = follows.for_model(obj) if obj is not None else None
        shown = obj is not None and entry is not None and entry.visible(user, obj)
        listed.append(
            {
                "follow": row,
                "label": entry.label if entry else "",
                "title": entry.title(obj) if shown and entry else "",
                "url": entry.url(obj) if shown and entry else "",
            }
        )
    return listed
