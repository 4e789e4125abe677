"""Tasks that survive a dead worker: a lease kept by a heartbeat, and a reaper (docs/decisions/0021-tasks-survive.md).

django-tasks-db marks a task RUNNING when a worker claims it and never looks at it again: a worker killed with
SIGKILL (out of memory, a deploy, a lost machine) leaves its task RUNNING for ever. `manage.py task_worker` is the
same worker with a lease:

- a heartbeat thread writes the worker's WorkerHeartbeat row every XIESHANG_TASK_HEARTBEAT_SECONDS;
- the reaper (at the worker's start, then from the heartbeat thread, and as `manage.py reap_tasks`) finds RUNNING
  tasks whose worker has not beaten for XIESHANG_TASK_LEASE_SECONDS and returns them to READY, or marks them FAILED
  (WorkerLost) once they were claimed XIESHANG_TASK_MAX_ATTEMPTS times. A task claimed by a worker that never had a
  heartbeat (plain `db_worker`, or a row from before the lease) is reaped after XIESHANG_TASK_ORPHAN_SECONDS.

The attempt counter is the task row's own list of claiming workers (`worker_ids`, one entry per claim), so the
library's table needs no column of its own. A task may therefore run more than once: every task's effects are
idempotent (an idempotency key stored with the effect), see notifications.tasks."""

from __future__ import annotations

import logging
import os
import socket
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

logger = logging.getLogger("xieshang.tasks")

WORKER_LOST = "xieshang.core.worker.WorkerLost"


class WorkerLost(Exception):
    """Recorded on a task whose worker died on each of its attempts."""


def lease_seconds() -> float:
    return float(getattr(settings, "XIESHANG_TASK_LEASE_SECONDS", 60))


def heartbeat_seconds() -> float:
    return float(getattr(settings, "XIESHANG_TASK_HEARTBEAT_SECONDS", max(lease_seconds() / 4, 0.2)))


def orphan_seconds() -> float:
    return float(getattr(settings, "XIESHANG_TASK_ORPHAN_SECONDS", 3600))


def max_attempts() -> int:
    return int(getattr(settings, "XIESHANG_TASK_MAX_ATTEMPTS", 5))


def beat(worker_id: str, started_at: datetime | None = None) -> None:
    from .models import WorkerHeartbeat

    now = timezone.now()
    updated = WorkerHeartbeat.objects.filter(worker_id=worker_id).update(beat_at=now)
    if not updated:
        WorkerHeartbeat.objects.update_or_create(
            worker_id=worker_id,
            defaults={
                "host": socket.gethostname()[:255],
                "pid": os.getpid(),
                "started_at": started_at or now,
                "beat_at": now,
            },
        )


def forget(worker_id: str) -> None:
    from .models import WorkerHeartbeat

    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


@dataclass
class Reaped:
    returned: int = 0
    failed: int = 0

    def __bool__(self) -> bool:
        return bool(self.returned or self.failed)


def reap(now: datetime | None = None) -> Reaped:
    """Return the tasks of dead workers to READY, or fail them after max_attempts() claims."""
    from django_tasks_db.models import DBTaskResult

    from .models import WorkerHeartbeat

    now = now or timezone.now()
    beats = dict(WorkerHeartbeat.objects.values_list("worker_id", "beat_at"))
    lease_edge = now - timedelta(seconds=lease_seconds())
    orphan_edge = now - timedelta(seconds=orphan_seconds())
    result = Reaped()
    for row in DBTaskResult.objects.running().only("id", "worker_ids", "started_at", "task_path"):
        claimers = list(row.worker_ids or [])
        last = claimers[-1] if claimers else None
        beat_at = beats.get(last) if last else None
        if beat_at is not None and beat_at >= lease_edge:
            continue  # its worker is alive
        if beat_at is None and row.started_at is not None and row.started_at >= orphan_edge:
            continue  # claimed by a worker without a lease: wait the longer orphan time
        # Only the row as we saw it: a worker that resumed and finished it meanwhile keeps its result.
        same = DBTaskResult.objects.filter(pk=row.pk, status="RUNNING", started_at=row.started_at)
        if len(claimers) >= max_attempts():
            changed = same.update(
                status="FAILED",
                finished_at=now,
                exception_class_path=WORKER_LOST,
                traceback=(
                    f"{WORKER_LOST}: the worker died during each of {len(claimers)} attempts "
                    f"(last worker {last}); the task is not tried again.\n"
                ),
            )
            if changed:
                result.failed += 1
                logger.error("Task %s (%s) failed: its worker died %d times", row.pk, row.task_path, len(claimers))
        else:
            changed = same.update(status="READY")
            if changed:
                result.returned += 1
                logger.warning(
                    "Task %s (%s) returned to the queue: worker %s stopped beating (attempt %d of %d)",
                    row.pk,
                    row.task_path,
                    last,
                    len(claimers),
                    max_attempts(),
                )
    stale = now - timedelta(days=1)
    WorkerHeartbeat.objects.filter(beat_at__lt=stale).delete()
    return result


def release(worker_id: str) -> int:
    """A worker on its way out hands back the tasks it claimed and is not running: READY again, at once.

    django-tasks-db's worker exits at once on SIGTERM when it is not inside a task, and it can be between committing
    its claim of a task and starting it; the row would stay RUNNING under a worker whose heartbeat row is then
    forgotten, which the reaper takes for a worker without a lease (an hour's wait). Found by the load test
    (bench/faults/load.py)."""
    from django_tasks_db.models import DBTaskResult

    released = 0
    for row in DBTaskResult.objects.running().only("id", "worker_ids", "started_at", "task_path"):
        claimers = list(row.worker_ids or [])
        if not claimers or claimers[-1] != worker_id:
            continue
        same = DBTaskResult.objects.filter(pk=row.pk, status="RUNNING", started_at=row.started_at)
        if same.update(status="READY"):
            released += 1
            logger.warning(
                "Task %s (%s) returned to the queue: its worker stopped before running it", row.pk, row.task_path
            )
    return released


class Heartbeat:
    """The worker's heartbeat thread: beats, and reaps now and then (a daemon thread: it dies with the worker)."""

    def __init__(self, worker_id: str) -> None:
        self.worker_id = worker_id
        self.started_at = timezone.now()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="task-heartbeat", daemon=True)

    def start(self) -> None:
        beat(self.worker_id, self.started_at)
        self._thread.start()

    def stop(self) -> None:
        """Stop beating; hand back what this worker claimed and did not run, then forget its row. When the hand-back
        fails (the database is gone), the row is kept: the reaper returns the tasks once the lease has passed."""
        self._stop.set()
        self._thread.join(timeout=5)
        try:
            release(self.worker_id)
            forget(self.worker_id)
        except Exception:
            logger.warning("Task worker could not hand back its tasks; the lease will", exc_info=True)
        finally:
            connection.close()

    def _run(self) -> None:
        interval = heartbeat_seconds()
        reap_every = max(lease_seconds() / 2, interval)
        next_reap = 0.0
        waited = 0.0
        while not self._stop.wait(interval):
            waited += interval
            try:
                close_old_connections()
                with transaction.atomic():
                    beat(self.worker_id, self.started_at)
                if waited >= next_reap:
                    next_reap = waited + reap_every
                    reap()
            except Exception:  # the database may be restarting: beat again next time
                logger.warning("Task worker heartbeat failed", exc_info=True)
                connection.close()
        connection.close()


def queue_state(now: datetime | None = None) -> dict[str, Any]:
    """For /healthz: how long the oldest due task has waited, how many tasks wait, how many workers are alive."""
    from django_tasks_db.models import DBTaskResult, get_date_max

    from .models import WorkerHeartbeat

    now = now or timezone.now()
    due = DBTaskResult.objects.ready()
    oldest = due.order_by("enqueued_at").values_list("enqueued_at", "run_after").first()
    lag = 0.0
    if oldest is not None:
        enqueued_at, run_after = oldest
        since = enqueued_at if run_after == get_date_max() else max(enqueued_at, run_after)
        lag = max((now - since).total_seconds(), 0.0)
    live = WorkerHeartbeat.objects.filter(beat_at__gte=now - timedelta(seconds=lease_seconds())).count()
    return {"ready": due.count(), "lag_seconds": round(lag, 1), "workers": live}
