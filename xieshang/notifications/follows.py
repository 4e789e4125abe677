"""What may be followed, and the signed links that end a follow without signing in.

Notifications is a base app and knows no domain: each domain app registers its followable models here (a
consultation, a call, a room, a public proposal, an outcome) with who may follow one and where its public page is,
the way search indexes what domains register with it. The follow button, the "我的关注" page and the digests read
this registry; the domain records what happened through services.follow_event()."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core import signing


def _organization_id(obj: Any) -> int | None:
    return getattr(obj, "organization_id", None)


@dataclass(frozen=True)
class Followable:
    """kind: the short name in URLs ("consultation"); model: "app_label.model"; label: what it is, lazily translated
    ("协商活动"); visible(user, obj): may this person (None: anyone) see and follow it; url(obj): its public page;
    title(obj): its name in lists and digests."""

    kind: str
    model: str
    label: Any
    visible: Callable[[Any, Any], bool]
    url: Callable[[Any], str]
    title: Callable[[Any], str] = str
    organization: Callable[[Any], int | None] = field(default=_organization_id)


_registry: dict[str, Followable] = {}


def register(followable: Followable) -> None:
    _registry[followable.kind] = followable


def followable(kind: str) -> Followable | None:
    return _registry.get(kind)


def for_model(model_or_obj: Any) -> Followable | None:
    label = model_or_obj._meta.label_lower
    return next((f for f in _registry.values() if f.model == label), None)


def registered() -> list[Followable]:
    return list(_registry.values())


def target(kind: str, pk: int) -> Any:
    """The registered object of this kind, or None."""
    entry = _registry.get(kind)
    if entry is None:
        return None
    return apps.get_model(entry.model).objects.filter(pk=pk).first()


def content_type(obj: Any) -> ContentType:
    return ContentType.objects.get_for_model(obj, for_concrete_model=True)


# One-click unsubscribe: the link carries the follow (or the person, for "all") signed with the site's key, so it
# works without signing in and cannot be changed to end someone else's follow.
_SALT = "notifications.unsubscribe"


def unsubscribe_token(*, user_id: int, follow_id: int | None = None) -> str:
    # No timestamp (a Signer, not signing.dumps): the same follow has the same link in every e-mail, and a link
    # stays good as long as the follow lasts; the site's SECRET_KEY rotation (SECRET_KEY_FALLBACKS) retires them.
    return signing.Signer(salt=_SALT).sign_object({"u": user_id, "f": follow_id}, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, int | None] | None:
    """(user id, follow id or None for all) from a genuine token, else None."""
    try:
        data = signing.Signer(salt=_SALT).unsign_object(token)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    follow_id = data.get("f")
    return data["u"], follow_id if isinstance(follow_id, int) else None
