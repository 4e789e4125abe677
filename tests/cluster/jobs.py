"""What the cluster tests run inside the cluster's own environment (`scripts/cluster.py manage shell -c ...`: the
production settings, the primary directly): create the test's people, seed the fault tests' workload, count it.
Each prints one line `JSON:{...}` for the test to read."""

from __future__ import annotations

import json
from pathlib import Path


def _say(value) -> None:
    print("JSON:" + json.dumps(value, ensure_ascii=False))


def people(tag: str) -> None:
    from tests.factories import PASSWORD, OrganizationFactory, make_user
    from xieshang.accounts.models import Role

    organization = OrganizationFactory(name=f"集群市政协{tag}", short_name="集群", code=f"cl{tag}")
    members = [
        make_user(Role.MEMBER, organization, username=f"cl{tag}m{i}", phone=f"137{tag}{i:04d}") for i in range(2)
    ]
    _say({"organization": organization.code, "members": [m.username for m in members], "password": PASSWORD})


def seed_tasks(total: int, tag: str, out: str) -> None:
    from django.db import transaction
    from django.utils import timezone

    from tests.faults.workload import seed

    since = timezone.now().isoformat()
    with transaction.atomic():  # every task appears at once, when the seeding commits
        expected = seed(total, tag)
    Path(out).write_text(json.dumps({"since": since, "expected": expected}))
    _say({"seeded": len(expected), "since": since})


def count_tasks(path: str, worker_pids: dict[str, int]) -> None:
    """The workload's count, and which worker process (by the pid in its heartbeat row) finished each task."""
    from django_tasks_db.models import DBTaskResult

    from tests.faults.workload import count
    from xieshang.core.models import WorkerHeartbeat

    seeded = json.loads(Path(path).read_text())
    expected = [(kind, tuple(ref) if isinstance(ref, list) else ref) for kind, ref in seeded["expected"]]
    result = count(expected)
    names = {pid: name for name, pid in worker_pids.items()}
    by_id = {b.worker_id: names.get(b.pid, f"pid {b.pid}") for b in WorkerHeartbeat.objects.all()}
    finished_by: dict[str, int] = {}
    claimed_by_both = 0
    mine = DBTaskResult.objects.filter(status="SUCCESSFUL", enqueued_at__gte=seeded["since"])
    for ids in mine.values_list("worker_ids", flat=True):
        if not ids:
            continue
        who = by_id.get(ids[-1], "gone")
        finished_by[who] = finished_by.get(who, 0) + 1
        claimers = {by_id.get(i, "gone") for i in ids}
        claimed_by_both += len(claimers) > 1
    _say({**result, "finished_by": finished_by, "claimed_by_two_workers": claimed_by_both})
