"""Helpers for background tasks (Django's Tasks framework, django-tasks-db in production)."""

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

MAX_ATTEMPTS = 5


def schedule_retry(
    task_obj: Any, attempt: int, *args: Any, max_attempts: int = MAX_ATTEMPTS, base_seconds: int = 30
) -> bool:
    """Enqueue the task again with attempt + 1 after an exponential delay; the failed run still raises, so the worker
    records its error. Tasks take `attempt` as their last positional argument. Returns False when attempts are spent."""
    if attempt >= max_attempts:
        return False
    target = task_obj
    if task_obj.get_backend().supports_defer:
        target = task_obj.using(run_after=timezone.now() + timedelta(seconds=base_seconds * 2**attempt))
    transaction.on_commit(lambda: target.enqueue(*args, attempt + 1))
    return True


def enqueue_with_write(task_obj: Any, *args: Any) -> None:
    """Enqueue a task that delivers what the current transaction writes (an SMS, an e-mail).

    On the database task backend (django-tasks-db, the default) the task row is written now, in the same transaction
    as the record it delivers: both commit or neither, so no crash between commit and enqueue loses a message, and
    the worker cannot see the task before its record. Other backends (the immediate one in tests, a broker) get it
    after commit, when the record is visible to them."""
    from django_tasks_db.backend import DatabaseBackend

    backend = task_obj.get_backend()
    if isinstance(backend, DatabaseBackend) and transaction.get_connection().in_atomic_block:
        task_obj.enqueue(*args)
    else:
        transaction.on_commit(lambda: task_obj.enqueue(*args))
