"""The task worker killed with SIGKILL at random moments, several times: every task is done, once.

The worker is the real `manage.py task_worker` process on this test's database (SQLite or PostgreSQL). It gets a
mix of real tasks: SMS deliveries, e-mail deliveries of notifications, search indexing of opinion reports, and
notifying tasks (tests/faults/tasks.py, which notify through the notification service with an event key and so
enqueue SMS deliveries of their own). While it works it is SIGKILLed several times and started again; the lease
(core.worker) returns the tasks it died in to the queue. Then everything is counted against what the outside world
received (tests/faults/recorders.py): each effect exactly once, none missing.

200 tasks here; `make faults` runs 1,000 (FAULTS_TASKS)."""

from __future__ import annotations

import os
import random
import sqlite3
import time

import pytest
from django.db import connection

from tests.faults import harness
from tests.faults.workload import count as _count
from tests.faults.workload import seed as _seed

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

KILLS = int(os.environ.get("FAULTS_KILLS", "3"))  # `make faults` kills 5 times


def _scalar(database: str, sql: str) -> int:
    if database.startswith("sqlite:///"):
        with sqlite3.connect(database.removeprefix("sqlite:///"), timeout=20) as db:
            return db.execute(sql).fetchone()[0]
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def _unfinished(database: str) -> int:
    from django_tasks_db.models import DBTaskResult

    table = DBTaskResult._meta.db_table
    return _scalar(database, f"SELECT COUNT(*) FROM {table} WHERE status IN ('READY', 'RUNNING')")  # noqa: S608


def _finished(database: str) -> int:
    from django_tasks_db.models import DBTaskResult

    table = DBTaskResult._meta.db_table
    return _scalar(database, f"SELECT COUNT(*) FROM {table} WHERE status = 'SUCCESSFUL'")  # noqa: S608


def test_worker_killed(tmp_path, monkeypatch):
    total = harness.tasks_count(200)
    started = time.monotonic()
    expected = _seed(total)
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.setenv("FAULTS_OUT", str(out))  # the recorders' files, read back by _count
    rng = random.Random()  # noqa: S311 - random moments, as the issue asks
    with harness.shared_database(tmp_path) as database:
        env = harness.child_env(database, out)
        log = tmp_path / "worker.log"
        kills = 0
        while kills < KILLS and _unfinished(database):
            done = _finished(database)
            worker = harness.start_worker(env, log)
            # Django takes a while to start on a busy machine: kill at a random moment once this worker works.
            harness.wait_until(lambda d=done: _finished(database) > d + 3 or worker.poll() is not None, timeout=180)
            assert worker.poll() is None, log.read_text()[-3000:]  # it stopped by itself: a broken set-up
            time.sleep(rng.uniform(0, 1.5))
            harness.kill(worker)
            kills += 1
        worker = harness.start_worker(env, log)
        finished = harness.wait_until(lambda: _unfinished(database) == 0, timeout=max(120, total * 0.5), every=0.5)
        harness.stop(worker)
    counts = _count(expected)
    result = {
        "test": "worker_killed",
        "database": connection.vendor,
        "tasks": total,
        **{key: counts[key] for key in ("done_once", "duplicated", "lost")},
        "kills": kills,
        "tasks_run_again": counts["tasks_run_again"],
        "sends_repeated_same_key": counts["sends_repeated_same_key"],
        "task_rows": counts["task_rows"],
        "seconds": round(time.monotonic() - started, 1),
    }
    harness.report(result)
    assert finished, (log.read_text()[-3000:], result)
    assert counts["task_rows_not_successful"] == 0, result
    assert (result["done_once"], result["duplicated"], result["lost"]) == (total, 0, 0), result
