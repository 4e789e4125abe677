"""Digests: each follower gets, once per period, what happened to what he follows (manage.py send_digests).

A period is the day before the run (daily) or the ISO week before the run's week (weekly): a digest carries the
events recorded before the period's end and after the follow's cursor (Follow.last_event_id), so a day the command
did not run is caught up by the next digest. The digest row's key (person, period, channel) is unique, and the
cursors move in the same transaction: running the command again, or twice at once, sends nothing twice."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.tasks import task
from django.urls import reverse
from django.utils import timezone, translation

from . import follows
from .digest_mail import deliver_digest, plain_items, subject
from .models import Digest, Follow, FollowEvent, Notification
from .services import is_suppressed, language_of


@dataclass(frozen=True)
class Period:
    frequency: str
    key: str  # "daily:2026-12-03" / "weekly:2026-W49"
    first_day: date
    ends_at: datetime  # events before this moment belong to it


def periods(today: date) -> list[Period]:
    yesterday = today - timedelta(days=1)
    monday = today - timedelta(days=today.weekday())
    last_week = monday - timedelta(days=7)
    year, week, _day = last_week.isocalendar()
    tz = timezone.get_current_timezone()
    return [
        Period(
            Follow.Frequency.DAILY,
            f"daily:{yesterday.isoformat()}",
            yesterday,
            datetime.combine(today, time.min, tzinfo=tz),
        ),
        Period(
            Follow.Frequency.WEEKLY,
            f"weekly:{year}-W{week:02d}",
            last_week,
            datetime.combine(monday, time.min, tzinfo=tz),
        ),
    ]


def send_digests(*, today: date | None = None) -> int:
    """Send every digest due on `today` (default: the local date); returns how many were sent now."""
    if is_suppressed():
        return 0
    today = today or timezone.localdate()
    return sum(_send_period(period) for period in periods(today))


def _send_period(period: Period) -> int:
    rows = list(
        Follow.objects.filter(frequency=period.frequency, user__is_active=True)
        .select_related("user", "content_type")
        .order_by("user_id", "id")
    )
    if not rows:
        return 0
    cursor = min(f.last_event_id for f in rows)
    events: dict[tuple[int, int], list[FollowEvent]] = defaultdict(list)
    for event in FollowEvent.objects.filter(
        id__gt=cursor,
        created_at__lt=period.ends_at,
        # Events are written only for followed objects, so no list of object ids (it would outgrow a query's
        # parameters at a city's scale): the few unfollowed since are dropped below.
        content_type_id__in={f.content_type_id for f in rows},
    ).order_by("id"):
        events[(event.content_type_id, event.object_id)].append(event)
    groups: dict[tuple[int, str], list[tuple[Follow, list[FollowEvent]]]] = defaultdict(list)
    for row in rows:
        pending = [
            e
            for e in events.get((row.content_type_id, row.object_id), [])
            if e.id > row.last_event_id and e.user_id in (None, row.user_id)
        ]
        if pending:
            groups[(row.user_id, row.channel)].append((row, pending))
    sent = 0
    for (_user_id, channel), pairs in groups.items():
        sent += _send_one(period, channel, pairs)
    return sent


def _targets(pairs: list[tuple[Follow, list[FollowEvent]]]) -> dict[tuple[int, int], Any]:
    by_type: dict[int, list[Follow]] = defaultdict(list)
    for row, _events in pairs:
        by_type[row.content_type_id].append(row)
    found: dict[tuple[int, int], Any] = {}
    for type_id, rows in by_type.items():
        model = rows[0].content_type.model_class()
        if model is None:
            continue
        for pk, obj in model._default_manager.in_bulk([r.object_id for r in rows]).items():
            found[(type_id, pk)] = obj
    return found


def _send_one(period: Period, channel: str, pairs: list[tuple[Follow, list[FollowEvent]]]) -> int:
    from xieshang.core.tasks import enqueue_with_write

    user = pairs[0][0].user
    language = language_of(user)
    objects = _targets(pairs)
    items = []
    for row, pending in pairs:
        obj = objects.get((row.content_type_id, row.object_id))
        entry = follows.for_model(obj) if obj is not None else None
        mine = [e for e in pending if e.actor_id != user.pk]  # what he did himself is no news to him
        if obj is None or entry is None or not mine or not entry.visible(user, obj):
            continue
        items.append(
            {
                "follow": row.pk,
                "kind": entry.kind,
                "title": entry.title(obj),
                "url": entry.url(obj),
                "events": [
                    {
                        "text": e.text.get(language) or next(iter(e.text.values()), ""),
                        "url": e.url,
                        "at": timezone.localtime(e.created_at).strftime("%Y-%m-%d %H:%M"),
                    }
                    for e in mine
                ],
            }
        )
    key = f"{period.key}:{channel}"
    with transaction.atomic():
        for row, pending in pairs:
            Follow.objects.filter(pk=row.pk, last_event_id__lt=pending[-1].id).update(last_event_id=pending[-1].id)
        if not items:
            return 0
        try:
            with transaction.atomic():
                digest = Digest.objects.create(
                    user=user, period=key, frequency=period.frequency, channel=channel, items=items
                )
        except IntegrityError:
            # This period's digest went out already (another run at the same time): nothing moves, nothing is sent.
            transaction.set_rollback(True)
            return 0
        if channel == Follow.Channel.EMAIL and user.email:
            enqueue_with_write(deliver_digest, digest.pk)
        else:
            with translation.override(language):
                notification = Notification.objects.create(
                    recipient=user,
                    organization_id=pairs[0][0].organization_id,
                    kind="notifications.digest",
                    title=subject(digest)[:200],
                    body=plain_items(items),
                    url=reverse("notifications:follows"),
                    key=f"digest:{key}"[:120],
                )
            Digest.objects.filter(pk=digest.pk).update(notification=notification)
    return 1


@task(queue_name="notifications")
def send_digests_task(today: str | None = None) -> int:
    """The daily run as a task (the same as manage.py send_digests); `today` an ISO date for a catch-up run."""
    return send_digests(today=date.fromisoformat(today) if today else None)
