"""The one notification service every app calls: in-app inbox, email and SMS per the user's channel choices."""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from .models import ChannelPreference, Notification, SmsMessage
from .selectors import forget_unread

_suppressed: contextvars.ContextVar[bool] = contextvars.ContextVar("notifications_suppressed", default=False)


@contextmanager
def suppressed() -> Iterator[None]:
    """No notification of any kind (inbox, email, SMS) inside the block: the demo loading a past year, imports of
    history. The one switch for this; services never carry their own "quiet" flags."""
    token = _suppressed.set(True)
    try:
        yield
    finally:
        _suppressed.reset(token)


def is_suppressed() -> bool:
    return _suppressed.get()


def after_commit(fn, *, robust: bool = False) -> None:
    """transaction.on_commit(fn), run in the context of the moment it was scheduled: a notification that a service
    (or the workflow engine) sends after commit honours the suppressed() block the write happened in, although
    the block has ended by the time the transaction commits."""
    context = contextvars.copy_context()
    transaction.on_commit(lambda: context.run(fn), robust=robust)


def channels_for(user, kind: str) -> tuple[bool, bool]:
    """(email, sms) for this user and kind: the kind's own row, else the user's default row, else SMS only."""
    prefs = {p.kind: p for p in ChannelPreference.objects.filter(user=user, kind__in=[kind, ""])}
    pref = prefs.get(kind) or prefs.get("")
    if pref is None:
        return False, True
    return pref.email, pref.sms


# A notification's text: a string, a lazy translation, or a callable that builds the text (gettext inside it); lazy
# texts and callables are rendered once per recipient, in his language.
Text = str | Callable[[], object] | object


def render(text: Text, language: str) -> str:
    """`text` in `language`: a callable is called, a lazy translation evaluated, inside translation.override."""
    with translation.override(language):
        return str(text() if callable(text) else text)


def language_of(user) -> str:
    return getattr(user, "language", "") or settings.LANGUAGE_CODE


def notify(
    *,
    recipients: Iterable,
    kind: str,
    title: Text,
    body: Text = "",
    url: str = "",
    organization=None,
    force_sms: bool = False,
) -> list[Notification]:
    """Put a message in each recipient's inbox and schedule email / SMS after the surrounding transaction commits.
    Each recipient's copy is written in his language (User.language): pass lazy strings or a callable (`lambda:
    _("…") % {…}`) for title and body, not text already translated in the sender's language.

    force_sms: urgent deadline warnings (催办) go by SMS whatever the preference, as offices phone anyway."""
    from .tasks import deliver_email

    if _suppressed.get():
        return []
    org_id = getattr(organization, "pk", organization)
    created: list[Notification] = []
    for user in {u.pk: u for u in recipients if u is not None and u.is_active}.values():
        language = language_of(user)
        title_text, body_text = render(title, language), render(body, language)
        notification = Notification.objects.create(
            recipient=user, organization_id=org_id, kind=kind, title=title_text[:200], body=body_text, url=url
        )
        created.append(notification)
        email, sms = channels_for(user, kind)
        if email and user.email:
            transaction.on_commit(lambda n=notification.pk: deliver_email.enqueue(n))
        if (sms or force_sms) and user.phone:
            text = title_text + (f"：{body_text[:60]}" if body_text else "")
            sms_send(phone=user.phone, text=text)
            Notification.objects.filter(pk=notification.pk).update(sms_sent_at=timezone.now())
    return created


def sms_send(*, phone: str, text: str) -> SmsMessage:
    """Record the message and hand it to the configured gateway in a task (retried on failure)."""
    from .tasks import deliver_sms

    message = SmsMessage.objects.create(phone=phone, text=text, gateway=settings.SMS_GATEWAY)
    transaction.on_commit(lambda: deliver_sms.enqueue(message.pk))
    return message


def mark_read(*, user, notification_ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    count = qs.update(read_at=timezone.now())
    forget_unread(user.pk)
    return count


def set_channels(*, user, kind: str = "", email: bool, sms: bool) -> ChannelPreference:
    pref, _ = ChannelPreference.objects.update_or_create(user=user, kind=kind, defaults={"email": email, "sms": sms})
    return pref
