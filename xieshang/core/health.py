"""Degrade, don't fail: the health of each dependency, and what the platform does when one is gone.

- Redis (cache, session cache, rate limits) down: django-redis is configured to ignore connection errors
  (settings.CACHES, IGNORE_EXCEPTIONS): a read is a miss, a write is dropped. Sessions are `cached_db`, so a signed-in
  user's session is read from the database; limits that must fail closed (SMS codes) treat an unanswered `add` as a
  refusal; page views never depend on the cache. `RedisDownFilter` turns django-redis's error per call into one
  warning a minute in the log, and /healthz says "degraded" (still 200: the platform works).
- The database down: /healthz answers 503 (a load balancer takes the instance out); a request that meets a database
  error answers 503 with Retry-After instead of 500 (`unavailable_response`), and the next request reconnects
  (CONN_HEALTH_CHECKS).
- The task queue: the wait of the oldest due task and the live workers (core.worker); a long wait is "degraded".
- The disk holding uploads and the SQLite file: under XIESHANG_HEALTH_DISK_FREE_RATIO free is "degraded"."""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection

logger = logging.getLogger("xieshang.health")

OK, DEGRADED, DOWN = "ok", "degraded", "down"


class RedisDownFilter(logging.Filter):
    """On django-redis's logger: one warning a minute instead of an error with a traceback for every cache call."""

    every_seconds = 60.0
    _last = 0.0

    def filter(self, record: logging.LogRecord) -> bool:
        now = time.monotonic()
        if now - RedisDownFilter._last < self.every_seconds:
            return False
        RedisDownFilter._last = now
        reason = record.exc_info[1] if record.exc_info else None
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        record.msg = (
            "Redis unreachable (%s): cache reads miss, sessions are read from the database, SMS codes are refused "
            "until it is back"
        )
        record.args = (reason.__class__.__name__ if reason else "error",)
        record.exc_info = record.exc_text = None
        return True


def _timed(check: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    started = time.perf_counter()
    result: dict[str, Any] = check()
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def database() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        logger.warning("Health: database unreachable: %s", exc)
        return {"status": DOWN, "error": exc.__class__.__name__}
    return {"status": OK, "vendor": connection.vendor}


def cache() -> dict[str, Any]:
    """Ask Redis itself (the cache object hides its errors); without Redis the per-process cache is always up."""
    if not settings.REDIS_URL:
        return {"status": OK, "backend": "local"}
    from django.core.cache import cache as default_cache

    try:
        default_cache.client.get_client(write=True).ping()  # type: ignore[attr-defined]
    except Exception as exc:
        logger.warning("Health: Redis unreachable (%s): running degraded", exc.__class__.__name__)
        return {
            "status": DEGRADED,
            "backend": "redis",
            "error": exc.__class__.__name__,
            "effect": "sessions from the database, cache misses, SMS codes refused",
        }
    return {"status": OK, "backend": "redis"}


def task_queue() -> dict[str, Any]:
    from django.tasks import default_task_backend
    from django_tasks_db.backend import DatabaseBackend

    if not isinstance(default_task_backend, DatabaseBackend):
        return {"status": OK, "backend": default_task_backend.__class__.__name__}
    from .worker import queue_state

    state = queue_state()
    limit = float(getattr(settings, "XIESHANG_HEALTH_QUEUE_LAG_SECONDS", 300))
    state["status"] = DEGRADED if state["lag_seconds"] > limit or not state["workers"] and state["ready"] else OK
    return state


def disk() -> dict[str, Any]:
    usage = shutil.disk_usage(settings.MEDIA_ROOT if settings.MEDIA_ROOT.exists() else settings.VAR_DIR)
    free = usage.free / usage.total if usage.total else 1.0
    minimum = float(getattr(settings, "XIESHANG_HEALTH_DISK_FREE_RATIO", 0.05))
    return {"status": DEGRADED if free < minimum else OK, "free_ratio": round(free, 3), "free_gb": usage.free // 2**30}


def report() -> tuple[dict[str, Any], int]:
    """Every check, the overall status and the HTTP status: 503 only when the database is down."""
    checks: dict[str, dict[str, Any]] = {"database": _timed(database), "cache": _timed(cache)}
    if checks["database"]["status"] == OK:
        try:
            checks["task_queue"] = _timed(task_queue)
        except DatabaseError as exc:
            checks["task_queue"] = {"status": DEGRADED, "error": exc.__class__.__name__}
    checks["disk"] = _timed(disk)
    states = {check["status"] for check in checks.values()}
    if checks["database"]["status"] == DOWN:
        return {"status": DOWN, "checks": checks}, 503
    return {"status": DEGRADED if DEGRADED in states else OK, "checks": checks}, 200


def is_database_unavailable(exc: BaseException | None) -> bool:
    return isinstance(exc, (OperationalError, InterfaceError))
