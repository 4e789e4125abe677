"""Delivery tasks. A task that fails is enqueued again with a growing delay (core.tasks.schedule_retry).

A task may also run twice: its worker died after the send and before the task was marked done, and the lease
(core.worker) ran it again. So each send carries the message's idempotency key, which the receiving side uses to
deliver it once: the SMS provider's message id (SmsMessage.key), the e-mail's Message-ID (mail clients and
archives drop a second copy of the same Message-ID)."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task
from django.utils import timezone

from xieshang.core.tasks import schedule_retry

from .models import Notification, SmsMessage
from .sms import get_gateway


@task(queue_name="notifications")
def deliver_email(notification_id: int, attempt: int = 1) -> None:
    notification = Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    if notification is None or notification.email_sent_at or not notification.recipient.email:
        return
    try:
        body = notification.body
        if notification.url:
            body = f"{body}\n\n{notification.url}"
        EmailMessage(
            notification.title,
            body,
            settings.DEFAULT_FROM_EMAIL,
            [notification.recipient.email],
            headers={"Message-ID": message_id(notification)},
        ).send()
    except Exception:
        schedule_retry(deliver_email, attempt, notification_id)
        raise
    Notification.objects.filter(pk=notification_id).update(email_sent_at=timezone.now())


@task(queue_name="notifications")
def deliver_sms(message_id: int, attempt: int = 1) -> None:
    message = SmsMessage.objects.filter(pk=message_id).first()
    if message is None or message.status in ("sent", "cancelled"):  # cancelled: its recipient's data was erased
        return
    try:
        get_gateway().send(message.phone, message.text, key=message.key)
    except Exception as exc:
        SmsMessage.objects.filter(pk=message_id).update(status="failed", error=str(exc)[:500], attempts=attempt)
        schedule_retry(deliver_sms, attempt, message_id)
        raise
    SmsMessage.objects.filter(pk=message_id).update(status="sent", attempts=attempt, error="")


def message_id(notification: Notification) -> str:
    """The e-mail's Message-ID: the same for every send of one notification (its idempotency key)."""
    return f"<notification.{notification.pk}.{notification.created_at:%Y%m%d%H%M%S}@xieshang>"
