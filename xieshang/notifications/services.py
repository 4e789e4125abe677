"""The one notification service every app calls: in-app inbox, email and SMS per the user's channel choices."""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, nullcontext

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from xieshang.core import partitions

from . import replies
from .models import ChannelPreference, Follow, FollowEvent, Notification, SmsMessage
from .replies import Reply
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


def _whole():
    """A transaction around writes that must commit together, unless the caller's transaction already holds them
    (no savepoint then: a service's writes stay one statement list)."""
    if transaction.get_connection().in_atomic_block:
        return nullcontext()
    return transaction.atomic()


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
    key: str = "",
    reply: Reply | None = None,
) -> list[Notification]:
    """Put a message in each recipient's inbox and schedule email / SMS after the surrounding transaction commits.
    Each recipient's copy is written in his language (User.language): pass lazy strings or a callable (`lambda:
    _("…") % {…}`) for title and body, not text already translated in the sender's language.

    force_sms: urgent deadline warnings (催办) go by SMS whatever the preference, as offices phone anyway.

    key: names the event (e.g. "reminder:proposal:12:2026-12-03"); a recipient who already has a notification with
    this key gets nothing more, so code that may run twice (a task run again after its worker died) notifies once.
    Email and SMS tasks are enqueued with the write (core.tasks.enqueue_with_write).

    reply: the SMS asks for an answer by reply (notifications.replies): its text ends with the reply codes and the
    question is recorded with the message, for the action the domain app registered."""
    if _suppressed.get():
        return []
    org_id = getattr(organization, "pk", organization)
    users = {u.pk: u for u in recipients if u is not None and u.is_active}
    # On PostgreSQL the key's uniqueness is no longer an index (the table is partitioned, decision 0043): writers of
    # one key take turns from the look-up to the insert.
    with partitions.serialize(f"notification:{key[:120]}") if key else nullcontext():
        if key:
            for done in Notification.objects.filter(key=key, recipient_id__in=list(users)).values_list(
                "recipient_id", flat=True
            ):
                users.pop(done, None)
        return [
            _notify_one(
                user,
                kind=kind,
                title=title,
                body=body,
                url=url,
                org_id=org_id,
                key=key,
                force_sms=force_sms,
                reply=reply,
            )
            for user in users.values()
        ]


def _notify_one(
    user, *, kind: str, title: Text, body: Text, url: str, org_id, key: str, force_sms: bool, reply: Reply | None
) -> Notification:
    from xieshang.core.tasks import enqueue_with_write

    from .tasks import deliver_email

    # One recipient's copy, with its e-mail and SMS tasks, is written whole or not at all.
    with _whole():
        language = language_of(user)
        title_text, body_text = render(title, language), render(body, language)
        notification = Notification.objects.create(
            recipient=user,
            organization_id=org_id,
            kind=kind,
            title=title_text[:200],
            body=body_text,
            url=url,
            key=key[:120],
        )
        email, sms = channels_for(user, kind)
        if email and user.email:
            enqueue_with_write(deliver_email, notification.pk)
        if (sms or force_sms) and user.phone and _sms_allowed(user, org_id, force_sms):
            text = title_text + (f"：{body_text[:60]}" if body_text else "")
            fields = None
            if reply is not None:
                with translation.override(language):
                    text, fields = replies.attach(
                        user=user, phone=user.phone, organization_id=org_id, reply=reply, message_text=text
                    )
            # The notification is new, so is its key: no look-up (a repeat is stopped by notify's own key).
            message = _sms_create(
                phone=user.phone, text=text, key=f"notification:{notification.pk}", organization_id=org_id
            )
            if fields is not None:
                replies.prompt_create(message, fields)
            Notification.objects.filter(pk=notification.pk).update(sms_sent_at=timezone.now())
    return notification


def _sms_allowed(user, org_id, force_sms: bool) -> bool:
    """The "notification_sms" limit per recipient (urgent 催办 notices excepted) and the organization's daily SMS
    budget (core.limits); past either, the notice stays in the inbox only."""
    from xieshang.core import limits

    if not force_sms and limits.hit("notification_sms", recipient=user.pk):
        return False
    return not (org_id and limits.hit("sms_budget", organization=org_id))


def sms_send(*, phone: str, text: str, key: str = "", organization_id: int | None = None) -> SmsMessage:
    """Record the message and hand it to the configured gateway in a task (retried on failure). The task is
    enqueued with the write: on the database task backend its row commits in the same transaction as the message,
    so a crash between the two cannot leave a message nobody sends (core.tasks.enqueue_with_write).

    key: the message's idempotency key when the caller has one (the same key again returns the first message);
    otherwise a random one. The gateway gets it with every send (notifications.tasks)."""
    if key:
        with partitions.serialize(f"sms:{key[:120]}"):
            existing = SmsMessage.objects.filter(key=key[:120]).first()
            if existing is not None:
                return existing
            return _sms_create(phone=phone, text=text, key=key, organization_id=organization_id)
    return _sms_create(phone=phone, text=text, key=key, organization_id=organization_id)


def _sms_create(*, phone: str, text: str, key: str = "", organization_id: int | None = None) -> SmsMessage:
    from xieshang.core.tasks import enqueue_with_write

    from .tasks import deliver_sms

    with _whole():
        fields = {"phone": phone, "text": text, "gateway": settings.SMS_GATEWAY, "organization_id": organization_id}
        message = SmsMessage.objects.create(**fields, key=key[:120]) if key else SmsMessage.objects.create(**fields)
        enqueue_with_write(deliver_sms, message.pk)
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


# Following (notifications.follows): a person follows an object; what happens to it reaches him in a digest.


def follow(*, user, obj, frequency: str = "", channel: str = "") -> Follow:
    """Follow `obj` (a registered followable the caller has checked the user may see). Following again keeps the
    first follow, with the frequency and channel given if any."""
    from . import follows

    entry = follows.for_model(obj)
    if entry is None:
        raise ValueError(f"{obj._meta.label} is not followable")
    defaults: dict[str, object] = {"organization_id": entry.organization(obj)}
    if frequency in Follow.Frequency.values:
        defaults["frequency"] = frequency
    if channel in Follow.Channel.values:
        defaults["channel"] = channel
    try:
        with transaction.atomic():
            row, created = Follow.objects.get_or_create(
                user=user, content_type=follows.content_type(obj), object_id=obj.pk, defaults=defaults
            )
    except IntegrityError:  # the same person's second click, a moment later, on another connection
        row = Follow.objects.get(user=user, content_type=follows.content_type(obj), object_id=obj.pk)
        created = False
    if not created and (frequency or channel):
        row = follow_update(
            user=user, follow_id=row.pk, frequency=frequency or row.frequency, channel=channel or row.channel
        )
    if created and row.last_event_id == 0:
        # Only what happens from now on: the cursor starts at the newest event there is.
        newest = FollowEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        Follow.objects.filter(pk=row.pk).update(last_event_id=newest)
        row.last_event_id = newest
    return row


def unfollow(*, user, obj) -> bool:
    from . import follows

    return bool(Follow.objects.filter(user=user, content_type=follows.content_type(obj), object_id=obj.pk).delete()[0])


def follow_update(*, user, follow_id: int, frequency: str, channel: str) -> Follow:
    """Change how one of his follows reaches him; a value not offered is refused with a message."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    errors = {}
    if frequency not in Follow.Frequency.values:
        errors["frequency"] = _("请选择每日或每周。")
    if channel not in Follow.Channel.values:
        errors["channel"] = _("请选择站内消息或邮件。")
    elif channel == Follow.Channel.EMAIL and not user.email:
        errors["channel"] = _("您的账号没有邮箱地址，请先在个人资料中填写，或选择站内消息。")
    if errors:
        raise ValidationError(errors)
    row = Follow.objects.get(pk=follow_id, user=user)
    Follow.objects.filter(pk=row.pk).update(frequency=frequency, channel=channel)
    row.frequency, row.channel = frequency, channel
    return row


def unsubscribe(token: str) -> int | None:
    """End the follow (or every follow) a signed link names; None when the link is not genuine. Works without
    signing in: the signature is the proof. Ending a follow already ended is no error (0)."""
    from . import follows

    read = follows.read_unsubscribe_token(token)
    if read is None:
        return None
    user_id, follow_id = read
    rows = Follow.objects.filter(user_id=user_id)
    if follow_id is not None:
        rows = rows.filter(pk=follow_id)
    return rows.delete()[0]


def follow_event(
    *, obj, kind: str, text: Text, url: str = "", actor=None, only_for=None, organization=None
) -> FollowEvent | None:
    """Record that something worth a digest happened to `obj` (called by the domain's service or hook, inside its
    transaction). `text` is a lazy string or a callable, rendered in every language now. Nothing is written when
    nobody follows `obj` (a later follower sees only what happens after he follows) or inside suppressed().

    only_for: the event is for this follower only (a room's new topic past his daily SMS cap)."""
    from . import follows

    if _suppressed.get():
        return None
    content_type = follows.content_type(obj)
    followers = Follow.objects.filter(content_type=content_type, object_id=obj.pk)
    if only_for is not None:
        followers = followers.filter(user=only_for)
    if not followers.exists():
        return None
    entry = follows.for_model(obj)
    org_id = getattr(organization, "pk", organization)
    if org_id is None and entry is not None:
        org_id = entry.organization(obj)
    return FollowEvent.objects.create(
        content_type=content_type,
        object_id=obj.pk,
        organization_id=org_id,
        kind=kind[:60],
        text={code: render(text, code) for code, _name in settings.LANGUAGES},
        url=(url or (entry.url(obj) if entry else ""))[:300],
        actor_id=getattr(actor, "pk", None) if getattr(actor, "is_authenticated", False) else None,
        user=only_for,
    )
