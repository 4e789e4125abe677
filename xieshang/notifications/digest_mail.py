"""A digest as an e-mail: plain text and HTML in the follower's language, a one-click unsubscribe link under each
followed object and one for all, and the List-Unsubscribe headers mail clients offer as a button (RFC 8058)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from xieshang.core.tasks import schedule_retry

from . import follows
from .models import Digest, Follow
from .services import language_of


def subject(digest: Digest) -> str:
    """The digest's title in the active language."""
    count = sum(len(item["events"]) for item in digest.items)
    when = digest.period.split(":")[1]
    if digest.frequency == Follow.Frequency.WEEKLY:
        return _("关注周报 %(when)s：%(n)d 条新动态") % {"when": when, "n": count}
    return _("关注日报 %(when)s：%(n)d 条新动态") % {"when": when, "n": count}


def plain_items(items: list[dict[str, Any]]) -> str:
    lines = []
    for item in items:
        lines.append(f"【{item['title']}】")
        lines.extend(f"· {event['at']} {event['text']}" for event in item["events"])
        lines.append("")
    return "\n".join(lines).strip()


def unsubscribe_url(*, user_id: int, follow_id: int | None = None) -> str:
    token = follows.unsubscribe_token(user_id=user_id, follow_id=follow_id)
    return f"{settings.SITE_URL}{reverse('notifications:unsubscribe', args=[token])}"


def digest_email(digest: Digest) -> EmailMultiAlternatives:
    user = digest.user
    with translation.override(language_of(user)):
        items: list[dict[str, Any]] = [
            {
                **item,
                "url": f"{settings.SITE_URL}{item['url']}",
                "unsubscribe": unsubscribe_url(user_id=user.pk, follow_id=item["follow"]),
            }
            for item in digest.items
        ]
        context = {
            "user": user,
            "digest": digest,
            "items": items,
            "subject": subject(digest),
            "follows_url": f"{settings.SITE_URL}{reverse('notifications:follows')}",
            "unsubscribe_all": unsubscribe_url(user_id=user.pk),
        }
        text = render_to_string("notifications/digest_email.txt", context)
        html = render_to_string("notifications/digest_email.html", context)
        message = EmailMultiAlternatives(
            subject(digest),
            text,
            settings.DEFAULT_FROM_EMAIL,
            [user.email],
            headers={
                "Message-ID": f"<digest.{digest.pk}.{digest.created_at:%Y%m%d%H%M%S}@xieshang>",
                "List-Unsubscribe": f"<{context['unsubscribe_all']}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
        message.attach_alternative(html, "text/html")
    return message


@task(queue_name="notifications")
def deliver_digest(digest_id: int, attempt: int = 1) -> None:
    """A digest by e-mail; run again (a retry, a worker that died) it sends nothing twice: email_sent_at, and the
    Message-ID is the digest's."""
    digest = Digest.objects.select_related("user").filter(pk=digest_id).first()
    if digest is None or digest.email_sent_at or not digest.user.email:
        return
    try:
        digest_email(digest).send()
    except Exception:
        schedule_retry(deliver_digest, attempt, digest_id)
        raise
    Digest.objects.filter(pk=digest_id).update(email_sent_at=timezone.now())
