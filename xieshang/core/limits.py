"""Abuse limits as data: how many times an action may happen per client address, account, phone number, target or
organization, in a window. The defaults are LIMITS below; a deployment changes any of them through the setting
XIESHANG_ABUSE_LIMITS (same shape, merged over the defaults; a count of 0 switches a rule off).

Counts live in Redis when REDIS_URL is configured (atomic INCR on a key per fixed window), in the database
otherwise (core.RateCounter, one row per key and window), and in the database as well when Redis fails, so a limit
holds across every web and task process either way. A check counts the attempt under every dimension given; the
attempt is refused when any dimension is over its limit (the refusal is counted too: hammering does not help)."""

from __future__ import annotations

import contextvars
import logging
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

logger = logging.getLogger(__name__)

HOUR, DAY = 3600, 86400

# action → dimension → list of (count, window seconds)
LIMITS: dict[str, dict[str, list[tuple[int, int]]]] = {
    # Login failures are limited per account, address and pair by accounts.services (LoginThrottle, the policy's
    # threshold); these bound attempts of any kind from one address.
    "login": {"address": [(30, 10 * 60), (200, DAY)]},
    # Password reset links by e-mail (accounts.views_recovery): per client address and per address written in.
    "password_reset": {"address": [(5, HOUR), (20, DAY)], "target": [(3, HOUR), (5, DAY)]},
    # SMS verification codes (registration, second-factor enrolment, sign-in, password reset, deletion request): a
    # phone gets one a minute (SMS_CODE_RESEND_SECONDS) and a few a day; one client cannot make codes go to many
    # phones.
    "sms_code": {"phone": [(5, DAY)], "address": [(5, HOUR), (10, DAY)], "account": [(5, HOUR)]},
    # What residents write, wherever (room topics, call entries and appeals, opinion-map statements): one budget.
    "resident_post": {"account": [(5, HOUR), (20, DAY)], "address": [(20, HOUR)], "target": [(60, HOUR)]},
    # Supports residents give (room topics, call entries): generous, but one client cannot pump a count.
    "resident_support": {"account": [(60, HOUR)], "address": [(200, HOUR)]},
    # Votes on opinion-map statements (anonymous participants too, so the address counts).
    "resident_vote": {"account": [(600, HOUR)], "address": [(2000, HOUR)]},
    # Live messages during a consultation.
    "live_post": {"account": [(30, 10 * 60)], "address": [(120, 10 * 60)]},
    # Residents' questions to a public live consultation: a few per person, and one address (a flood from one
    # client, or a shared office NAT) bounded more loosely.
    "live_question": {"account": [(3, 10 * 60), (10, HOUR)], "address": [(30, 10 * 60)]},
    # Notification SMS: a person gets at most this many a day; the rest stay in the inbox (in-app).
    "notification_sms": {"recipient": [(10, DAY)]},
    # Texts to a follower about what he follows (a room's new topic): at most this many a day; past it, the news
    # reaches him in his digest instead (notifications.follows; issue #17's 437 SMS from ~35 topics).
    "follower_sms": {"recipient": [(3, DAY)]},
    # Every SMS an organization sends in a day (notifications and codes); past it, notices stay in-app and the
    # administrators are alerted once.
    "sms_budget": {"organization": [(2000, DAY)]},
    # Replies received by SMS (notifications.replies): a number that floods the inbound address is recorded, not
    # handled or answered.
    "sms_inbound": {"phone": [(20, HOUR), (60, DAY)]},
    # The portal's search for anyone (search.views.public_search_view): one client cannot make it a load test.
    "public_search": {"address": [(60, 60), (1000, DAY)]},
    # Requests made with one personal access token (xieshang.api.tokens): an integration's loop cannot swamp the API.
    "api_token": {"token": [(120, 60), (20000, DAY)]},
}


@dataclass(frozen=True)
class Refusal:
    action: str
    dimension: str
    limit: int
    seconds: int
    retry_after: int
    # The first attempt over the limit in its window: the one to record and alert about (not every hammering one).
    first: bool = False

    def __bool__(self) -> bool:
        return True


def rules(action: str) -> dict[str, list[tuple[int, int]]]:
    merged = {dim: list(windows) for dim, windows in LIMITS.get(action, {}).items()}
    for dim, windows in getattr(settings, "XIESHANG_ABUSE_LIMITS", {}).get(action, {}).items():
        merged[dim] = [tuple(w) for w in windows]
    return merged


def _now() -> float:
    """The clock the windows are cut from (a test holds it, so five requests cannot straddle a window's end)."""
    return time.time()


def _window(seconds: int, now: float) -> tuple[int, int]:
    index = int(now // seconds)
    return index, int((index + 1) * seconds - now) + 1


def _count_in_database(key: str, seconds: int) -> int:
    from .models import RateCounter

    expires = timezone.now() + timedelta(seconds=seconds)
    with transaction.atomic():
        if not RateCounter.objects.filter(key=key).update(count=F("count") + 1):
            try:
                with transaction.atomic():
                    RateCounter.objects.create(key=key, count=1, expires_at=expires)
            except IntegrityError:
                RateCounter.objects.filter(key=key).update(count=F("count") + 1)
        count = RateCounter.objects.filter(key=key).values_list("count", flat=True).get()
    if random.random() < 0.01:  # noqa: S311 - housekeeping, not security
        RateCounter.objects.filter(expires_at__lt=timezone.now()).delete()
    return count


def _count(key: str, seconds: int) -> int:
    if settings.REDIS_URL:
        from django.core.cache import cache

        try:
            cache.add(key, 0, timeout=seconds + 5)
            return int(cache.incr(key))
        except Exception:
            logger.warning("rate limit store (Redis) unavailable; counting %s in the database", key.split(":")[1])
    return _count_in_database(key, seconds)


_lifted: contextvars.ContextVar[bool] = contextvars.ContextVar("limits_lifted", default=False)


@contextmanager
def lifted() -> Iterator[None]:
    """No limit counts inside the block: the demo loading a past year in seconds (the limits count wall-clock time,
    so a year's history written in a minute would look like a flood). Never for requests."""
    token = _lifted.set(True)
    try:
        yield
    finally:
        _lifted.reset(token)


def hit(action: str, **values: Any) -> Refusal | None:
    """Count one attempt of `action` under each dimension given (address=…, account=…, phone=…, target=…,
    organization=…, recipient=…); None when allowed, else the first rule broken."""
    if _lifted.get():
        return None

    now = _now()
    refusal = None
    for dimension, value in values.items():
        if value in (None, ""):
            continue
        for limit, seconds in rules(action).get(dimension, []):
            if limit <= 0:
                continue
            index, retry_after = _window(seconds, now)
            count = _count(f"lim:{action}:{dimension}:{value}:{seconds}:{index}", seconds)
            if count > limit and refusal is None:
                refusal = Refusal(action, dimension, limit, seconds, retry_after, first=count == limit + 1)
    if refusal is not None and refusal.first:
        for alert in _alerts:
            try:
                alert(refusal, values)
            except Exception:
                logger.exception("abuse limit alert failed")
    return refusal


_alerts: list[Callable[[Refusal, dict[str, Any]], None]] = []


def register_alert(fn: Callable[[Refusal, dict[str, Any]], None]) -> None:
    """`fn(refusal, values)` runs when a limit is first exceeded in its window (the accounts app records it in the
    audit trail and tells the administrators about an exhausted SMS budget)."""
    if fn not in _alerts:
        _alerts.append(fn)


def peek(action: str, dimension: str, value: Any) -> int:
    """How many attempts the shortest window of a rule has counted (for tests and the budget alert)."""
    windows = rules(action).get(dimension, [])
    if not windows:
        return 0
    limit, seconds = windows[0]
    index, _ = _window(seconds, _now())
    key = f"lim:{action}:{dimension}:{value}:{seconds}:{index}"
    if settings.REDIS_URL:
        from django.core.cache import cache

        try:
            return int(cache.get(key) or 0)
        except Exception:
            logger.warning("rate limit store (Redis) unavailable; reading the database count")
    from .models import RateCounter

    return RateCounter.objects.filter(key=key).values_list("count", flat=True).first() or 0


def wait_text(refusal: Refusal) -> str:
    """The refusal in the reader's language, with when to try again."""
    from django.utils.translation import gettext as _

    minutes = max(1, (refusal.retry_after + 59) // 60)
    if minutes <= 90:
        return _("操作过于频繁，请 %(m)d 分钟后再试。") % {"m": minutes}
    return _("今天的次数已用完，请 %(h)d 小时后再试。") % {"h": (minutes + 59) // 60}
