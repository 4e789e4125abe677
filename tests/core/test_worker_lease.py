"""The task lease (core.worker): a task whose worker stopped beating goes back to the queue, and fails after its
attempts; a live worker's task, and a recent one of a worker without a lease, are left alone. /healthz and the 503
answer for a database that is gone (core.health)."""

from datetime import timedelta

import pytest
from django.db import OperationalError
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from xieshang.core import worker
from xieshang.core.models import WorkerHeartbeat
from xieshang.search.tasks import index_object

pytestmark = pytest.mark.django_db


def _running(worker_ids, started_ago=0):
    backend = DatabaseBackend("default", {"QUEUES": ["default", "search"]})
    result = backend.enqueue(index_object, ["opinion_report", 1], {})
    DBTaskResult.objects.filter(pk=result.id).update(
        status="RUNNING", worker_ids=worker_ids, started_at=timezone.now() - timedelta(seconds=started_ago)
    )
    return result.id


def _beat(worker_id, ago):
    at = timezone.now() - timedelta(seconds=ago)
    WorkerHeartbeat.objects.create(worker_id=worker_id, started_at=at, beat_at=at)


def _status(pk):
    return DBTaskResult.objects.get(pk=pk).status


@override_settings(XIESHANG_TASK_LEASE_SECONDS=30, XIESHANG_TASK_MAX_ATTEMPTS=3, XIESHANG_TASK_ORPHAN_SECONDS=600)
def test_reaper_returns_the_tasks_of_dead_workers_and_fails_them_after_their_attempts():
    _beat("alive", ago=5)
    _beat("dead", ago=45)
    alive = _running(["alive"], started_ago=100)
    dead = _running(["dead"], started_ago=100)
    spent = _running(["dead", "dead2", "dead"], started_ago=100)
    orphan_recent = _running(["no-lease"], started_ago=60)
    orphan_old = _running(["no-lease"], started_ago=900)

    reaped = worker.reap()

    assert (reaped.returned, reaped.failed) == (2, 1)
    assert _status(alive) == "RUNNING" and _status(orphan_recent) == "RUNNING"
    assert _status(dead) == "READY" and _status(orphan_old) == "READY"
    failed = DBTaskResult.objects.get(pk=spent)
    assert failed.status == "FAILED" and failed.exception_class_path == worker.WORKER_LOST
    # The task returned to the queue is due at once, and its next claim counts as its next attempt.
    assert DBTaskResult.objects.ready().filter(pk=dead).exists()


def test_queue_state_reports_the_wait_of_the_oldest_due_task():
    backend = DatabaseBackend("default", {"QUEUES": ["default", "search"]})
    result = backend.enqueue(index_object, ["opinion_report", 1], {})
    DBTaskResult.objects.filter(pk=result.id).update(enqueued_at=timezone.now() - timedelta(seconds=120))
    _beat("alive", ago=1)
    state = worker.queue_state()
    assert state["ready"] == 1 and state["workers"] == 1 and 119 <= state["lag_seconds"] < 200


def test_healthz_is_503_when_the_database_is_down(client, monkeypatch):
    from xieshang.core import health

    def down():
        raise OperationalError("connection refused")

    monkeypatch.setattr(health.connection, "cursor", down)
    answer = client.get("/healthz")
    assert answer.status_code == 503 and answer.json()["status"] == "down"
    assert answer.json()["checks"]["database"]["status"] == "down"


def test_a_database_error_answers_503_with_retry_after(rf):
    from xieshang.core.views import server_error_view

    request = rf.get("/anything")
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        answer = server_error_view(request)
    assert answer.status_code == 503 and answer["Retry-After"] == "5"
    assert "服务暂时不可用" in answer.content.decode()
    try:
        raise ValueError("a bug")
    except ValueError:
        assert server_error_view(request).status_code == 500


@override_settings(XIESHANG_TASK_LEASE_SECONDS=30, XIESHANG_TASK_ORPHAN_SECONDS=3600)
@pytest.mark.django_db(
    transaction=True, serialized_rollback=True
)  # the worker closes its connection on the way out, as a real one does
def test_a_worker_stopped_between_claiming_and_running_a_task_hands_it_back(monkeypatch):
    """SIGTERM after the claim was committed and before the task started: django-tasks-db's worker exits at once
    (it is not "running a task" yet). The task must not stay RUNNING under a forgotten heartbeat (the reaper would
    take it for a worker without a lease and wait an hour): it is READY again when the worker has stopped, and the
    next worker runs it. Found by bench/faults/load.py (a deploy's SIGTERM does this)."""
    import signal

    from xieshang.core.management.commands.task_worker import LeasedWorker

    backend = DatabaseBackend("default", {"QUEUES": ["default", "search"]})
    pk = backend.enqueue(index_object, ["opinion_report", 1], {}).id

    def terminated_before_running(self, db_task_result):
        assert DBTaskResult.objects.get(pk=pk).status == "RUNNING"  # the claim is committed
        self.shutdown(signal.SIGTERM, None)  # what the signal handler does: not inside a task, so exit at once

    def make_worker():
        return LeasedWorker(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="stopped-worker",
            excluded_queue_names=[],
        )

    with monkeypatch.context() as patched:
        patched.setattr(LeasedWorker, "run_task", terminated_before_running)
        with pytest.raises(SystemExit):
            make_worker().run()
    row = DBTaskResult.objects.get(pk=pk)
    assert row.status == "READY" and row.worker_ids == ["stopped-worker"]
    assert not WorkerHeartbeat.objects.filter(worker_id="stopped-worker").exists()

    make_worker().run()  # the next worker (batch mode: until the queue is empty) runs it
    assert _status(pk) in ("SUCCESSFUL", "FAILED")  # run, not stranded (index_object of a missing report may fail)
