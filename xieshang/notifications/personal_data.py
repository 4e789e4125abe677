"""What the notifications store about a person, for the PIPL download and erasure (core.personal_data): his inbox,
his channel choices, his follows and digests, and the SMS sent to his phone number.

Erasure removes his inbox and choices (messages to him, of no use to the record once he is gone), cancels the SMS
still queued for his number, and blanks the number (and his name inside the text) in the SMS log, which stays as the
record of what was sent."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy

from xieshang.core.personal_data import Erased, Row, Source, register

from .models import ChannelPreference, Digest, Follow, FollowEvent, InboundSms, Notification, SmsMessage, SmsPrompt

CANCELLED = "cancelled"


def _inbox(user: Any) -> list[Row]:
    return [
        {"title": n.title, "body": n.body, "created_at": n.created_at, "read_at": n.read_at}
        for n in Notification.objects.filter(recipient=user).order_by("created_at", "pk")
    ]


def _erase_inbox(user: Any, erased: Erased) -> int:
    return (
        Notification.objects.filter(recipient=user).delete()[0]
        + ChannelPreference.objects.filter(user=user).delete()[0]
    )


def _sms(user: Any) -> list[Row]:
    if not user.phone:
        return []
    sent = [
        {"direction": "out", "phone": m.phone, "text": m.text, "created_at": m.created_at, "status": m.status}
        for m in SmsMessage.objects.filter(phone=user.phone).order_by("created_at", "pk")
    ]
    replies = [  # what he answered by SMS (SMS both ways) and what was made of it
        {"direction": "in", "phone": r.phone, "text": r.text, "created_at": r.received_at, "status": r.result}
        for r in InboundSms.objects.filter(phone=user.phone).order_by("received_at", "pk")
    ]
    return sent + replies


def _erase_sms(user: Any, erased: Erased) -> int:
    if not erased.phone:
        return 0
    changed = 0
    for message in SmsMessage.objects.filter(phone=erased.phone):
        message.phone = ""
        message.text = erased.scrub(message.text)
        if message.status in ("queued", "failed"):
            message.status = CANCELLED
        message.save(update_fields=["phone", "text", "status"])
        changed += 1
    for reply in InboundSms.objects.filter(phone=erased.phone):
        reply.phone = ""
        reply.text = erased.scrub(reply.text)
        reply.save(update_fields=["phone", "text"])
        changed += 1
    # open questions to his number can no longer be answered by anyone
    changed += SmsPrompt.objects.filter(phone=erased.phone).update(phone="", expires_at=timezone.now())
    return changed


def _follows(user: Any) -> list[Row]:
    from .selectors import my_follows

    return [
        {
            "kind": str(row["label"]),
            "target": row["title"] or f"#{row['follow'].object_id}",
            "frequency": row["follow"].get_frequency_display(),
            "channel": row["follow"].get_channel_display(),
            "created_at": row["follow"].created_at,
        }
        for row in reversed(my_follows(user))
    ]


def _erase_follows(user: Any, erased: Erased) -> int:
    return (
        Follow.objects.filter(user=user).delete()[0]
        + Digest.objects.filter(user=user).delete()[0]
        + FollowEvent.objects.filter(user=user).delete()[0]
    )


def register_sources() -> None:
    register(
        Source(
            key="follows",
            title=gettext_lazy("我的关注"),
            description=gettext_lazy(
                "您关注的协商活动、征集、议事室、提案和成果，以及发给您的关注摘要。删除后：关注取消，摘要删除。"
            ),
            fields={
                "kind": gettext_lazy("类型"),
                "target": gettext_lazy("对象"),
                "frequency": gettext_lazy("频率"),
                "channel": gettext_lazy("方式"),
                "created_at": gettext_lazy("时间"),
            },
            export=_follows,
            anonymize=_erase_follows,
            order=24,
        )
    )
    register(
        Source(
            key="notifications",
            title=gettext_lazy("我收到的消息"),
            description=gettext_lazy("平台发给您的站内消息。删除后：全部删除。"),
            fields={
                "title": gettext_lazy("标题"),
                "body": gettext_lazy("内容"),
                "created_at": gettext_lazy("时间"),
                "read_at": gettext_lazy("已读时间"),
            },
            export=_inbox,
            anonymize=_erase_inbox,
            order=40,
        )
    )
    register(
        Source(
            key="sms",
            title=gettext_lazy("发给我的短信"),
            description=gettext_lazy("发到您手机号码的短信记录。删除后：未发出的短信取消，记录中的手机号清除。"),
            fields={
                "direction": gettext_lazy("方向（out 发出，in 您的回复）"),
                "phone": gettext_lazy("手机号码"),
                "text": gettext_lazy("内容"),
                "created_at": gettext_lazy("时间"),
                "status": gettext_lazy("状态"),
            },
            export=_sms,
            anonymize=_erase_sms,
            order=41,
        )
    )
