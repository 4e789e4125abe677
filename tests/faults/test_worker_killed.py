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
from collections import Counter

import pytest
from django.db import connection
from django.utils import timezone

from tests.factories import OrganizationFactory, make_user
from tests.faults import harness
from xieshang.accounts.models import Role

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

KILLS = int(os.environ.get("FAULTS_KILLS", "3"))  # `make faults` kills 5 times


def _enqueue_all(specs):
    """Write the task rows as the database backend does (the tests' own backend runs tasks at once)."""
    from django_tasks_db.backend import DatabaseBackend

    backend = DatabaseBackend("default", {"QUEUES": ["default", "notifications", "search", "maps"]})
    for task_obj, args in specs:
        backend.enqueue(task_obj, list(args), {})


def _seed(total: int):
    from tests.faults.tasks import announce
    from xieshang.notifications.models import Notification, SmsMessage
    from xieshang.notifications.tasks import deliver_email, deliver_sms
    from xieshang.opinions.models import Report
    from xieshang.search.tasks import index_object

    organization = OrganizationFactory(name="故障市政协", short_name="故障", code="gz")
    users = [
        make_user(Role.MEMBER, organization, username=f"fault{i}", phone=f"1390000{i:04d}", email=f"f{i}@example.org")
        for i in range(10)
    ]
    rng = random.Random(17)  # noqa: S311
    kinds = ["sms"] * 40 + ["email"] * 25 + ["index"] * 20 + ["announce"] * 15
    specs, expected = [], []
    now = timezone.now()
    for n in range(total):
        kind = kinds[n % len(kinds)]
        user = users[rng.randrange(len(users))]
        if kind == "sms":
            message = SmsMessage.objects.create(phone=user.phone, text=f"短信 {n}", gateway="faults")
            specs.append((deliver_sms, [message.pk]))
            expected.append(("sms", message.pk))
        elif kind == "email":
            note = Notification.objects.create(recipient=user, kind="faults", title=f"邮件 {n}")
            specs.append((deliver_email, [note.pk]))
            expected.append(("email", note.pk))
        elif kind == "index":
            report = Report.objects.create(
                organization=organization,
                year=now.year,
                seq=n + 1,
                title=f"关于停车难的社情民意 {n}",
                body="老旧小区停车位不足。",
                submitter=user,
                submitted_at=now,
            )
            specs.append((index_object, ["opinion_report", report.pk]))
            expected.append(("index", report.pk))
        else:
            specs.append((announce, [user.pk, f"e{n}"]))
            expected.append(("announce", (user.pk, f"e{n}")))
    rng.shuffle(specs)
    _enqueue_all(specs)
    return expected


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


def _count(expected):
    from django_tasks_db.models import DBTaskResult

    from tests.faults.recorders import lines
    from xieshang.notifications.models import Notification, SmsMessage
    from xieshang.notifications.tasks import message_id
    from xieshang.search.models import SearchDocument

    sms_sends = Counter(key for key, _phone in lines("sms.log"))
    email_sends = Counter(mid for mid, _to in lines("email.log"))
    messages = {m.pk: m for m in SmsMessage.objects.all()}
    sms_by_key = Counter(m.key for m in messages.values())
    notes = {n.pk: n for n in Notification.objects.all()}
    docs = Counter(
        SearchDocument.objects.filter(doc_type="opinion_report").values_list("object_id", flat=True).iterator()
    )
    done_once = duplicated = lost = 0
    for kind, ref in expected:
        if kind == "sms":
            copies = 1 if sms_sends[messages[ref].key] and messages[ref].status == "sent" else 0
        elif kind == "email":
            copies = 1 if email_sends[message_id(notes[ref])] else 0
        elif kind == "index":
            copies = docs[ref]
        else:
            user_id, event = ref
            mine = [n for n in notes.values() if n.recipient_id == user_id and n.key == f"faults:{event}"]
            keys = {f"notification:{n.pk}" for n in mine}
            sms = [m for m in messages.values() if m.key in keys]
            delivered = [m for m in sms if sms_sends[m.key] and m.status == "sent"]
            copies = len(mine) if len(mine) == len(sms) == len(delivered) else 0
        if copies == 1:
            done_once += 1
        elif copies == 0:
            lost += 1
        else:
            duplicated += 1
    statuses = Counter(DBTaskResult.objects.values_list("status", flat=True))
    claims = Counter(len(ids) for ids in DBTaskResult.objects.values_list("worker_ids", flat=True))
    return {
        "done_once": done_once,
        "duplicated": duplicated + sum(1 for n in sms_by_key.values() if n > 1),
        "lost": lost,
        "task_rows": sum(statuses.values()),
        "task_rows_not_successful": sum(n for status, n in statuses.items() if status != "SUCCESSFUL"),
        "tasks_run_again": sum(n for count, n in claims.items() if count > 1),
        # A send repeated after a kill between the send and its commit carries the same key: the provider (and a mail
        # client, by Message-ID) delivers it once. Counted to show the lease at work, not as a duplicate.
        "sends_repeated_same_key": sum(n - 1 for n in sms_sends.values() if n > 1)
        + sum(n - 1 for n in email_sends.values() if n > 1),
    }


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
