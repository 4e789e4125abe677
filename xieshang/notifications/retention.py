"""Notifications and the SMS log in core.partitions (decision 0043): monthly partitions on PostgreSQL, kept for
settings.XIESHANG_RETENTION_DAYS["notifications"] and ["sms"] days (the SMS log never under 183: the 等保 rule for
logs). What points into a partition about to go (a digest's notification, a reply question and the received SMS that
answered it) is cleared first: those references carry no foreign key on PostgreSQL, a partitioned table cannot be
the target of one."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import connection

from xieshang.core import partitions

SMS_MIN_DAYS = 183


def _days(key: str, minimum: int = 0) -> int | None:
    days = settings.XIESHANG_RETENTION_DAYS.get(key)
    return None if days is None else max(minimum, int(days))


def _notifications_before_drop(lower: datetime, upper: datetime, partition: partitions.Partition, dry_run: bool):
    if dry_run:
        return None
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        sql = f"UPDATE notifications_digest SET notification_id = NULL WHERE notification_id IN (SELECT id FROM {q(partition.name)})"  # noqa: S608, E501
        cursor.execute(sql)
    return None


def _sms_before_drop(lower: datetime, upper: datetime, partition: partitions.Partition, dry_run: bool):
    if dry_run:
        return None
    q = connection.ops.quote_name
    messages = f"(SELECT id FROM {q(partition.name)})"  # noqa: S608 - a partition name from the catalogue, quoted
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE notifications_inboundsms SET answer_id = NULL WHERE answer_id IN {messages}")  # noqa: S608
        cursor.execute(
            "UPDATE notifications_inboundsms SET prompt_id = NULL WHERE prompt_id IN "  # noqa: S608
            f"(SELECT id FROM notifications_smsprompt WHERE message_id IN {messages})"
        )
        cursor.execute(f"DELETE FROM notifications_smsprompt WHERE message_id IN {messages}")  # noqa: S608
    return None


def _inbound(cutoff: datetime, dry_run: bool) -> dict:
    """The received SMS: not partitioned (a reply is rarer than a sent message by far), deleted in batches with the
    same period as the sent ones."""
    spec = partitions.Table(model="notifications.InboundSms", column="received_at")
    return {"inbound_sms": partitions.delete_before(spec, cutoff, dry_run=dry_run)}


def _follow_events(cutoff: datetime, dry_run: bool) -> dict:
    """What happened to followed objects (notifications.FollowEvent), the digests' source: not partitioned (a few
    rows a day), deleted in batches with the notifications' period. A digest reads a week back at most."""
    spec = partitions.Table(model="notifications.FollowEvent", column="created_at")
    return {"follow_events": partitions.delete_before(spec, cutoff, dry_run=dry_run)}


def register() -> None:
    partitions.register(
        partitions.Table(
            model="notifications.Notification",
            column="created_at",
            days=lambda: _days("notifications"),
            before_drop=_notifications_before_drop,
            companions=_follow_events,
            key="notifications",
        )
    )
    partitions.register(
        partitions.Table(
            model="notifications.SmsMessage",
            column="created_at",
            days=lambda: _days("sms", SMS_MIN_DAYS),
            before_drop=_sms_before_drop,
            companions=_inbound,
            key="sms",
        )
    )
