"""Benchmark of the proposal queues, the proposal page and a transition on PostgreSQL with 100,000 proposals.

    createdb: psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE xieshang_bench"
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xieshang_bench .venv/bin/python bench/proposals/run.py --n 100000

The bulk data is written with bulk_create (a benchmark of reads needs volume, not a year of simulated history; the
demo builder is the one that moves proposals through the services). Each proposal gets the events its state implies.
The staff queue, the unit inbox and the proposal page are then timed (p50/p95 over --runs reads, first page of 50
rows plus the count) with their query counts, at a tenth of the data and at all of it; and --transitions real
transitions through the services are timed."""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xieshang.settings")
os.environ.setdefault("XIESHANG_DEV", "1")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-the-public-development-key")

import django  # noqa: E402

django.setup()

from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from xieshang.accounts.models import HandlingUnit, Organization, Role, RoleGrant, User  # noqa: E402
from xieshang.proposals import selectors, services  # noqa: E402
from xieshang.proposals.models import Assignment, Category, Proposal  # noqa: E402
from xieshang.workflow.models import Workflow, WorkflowEvent  # noqa: E402

STATE_MIX = [
    ("draft", 2),
    ("submitted", 3),
    ("under_review", 4),
    ("numbered", 3),
    ("assigned", 6),
    ("handling", 20),
    ("countersigning", 3),
    ("supervisor_review", 4),
    ("replied", 5),
    ("closed", 20),
    ("archived", 30),
]
PATH = ["draft", "submitted", "pre_accepted", "under_review", "filed", "classified", "numbered",
        "assignment_pending", "assignment_approved", "assigned", "handling", "countersigning",
        "supervisor_review", "replied", "rated", "confirmed", "closed", "archived"]  # fmt: skip


def setup_people():
    org, _ = Organization.objects.get_or_create(
        code="bench", defaults={"name": "基准测试市政协", "short_name": "基准", "level": "city"}
    )
    users = {}
    for role in (Role.PROPOSALS_STAFF, Role.SUPERVISOR, Role.LEADER):
        users[role], _ = User.objects.get_or_create(username=f"bench_{role}", defaults={"name": role})
        RoleGrant.objects.get_or_create(user=users[role], organization=org, role=role)
    members = []
    for i in range(200):
        u, _ = User.objects.get_or_create(username=f"bench_m{i}", defaults={"name": f"委员{i}"})
        RoleGrant.objects.get_or_create(user=u, organization=org, role=Role.MEMBER)
        members.append(u)
    units, officers = [], []
    for i in range(60):
        unit, _ = HandlingUnit.objects.get_or_create(organization=org, name=f"基准第{i}局")
        u, _ = User.objects.get_or_create(username=f"bench_o{i}", defaults={"name": f"经办人{i}"})
        RoleGrant.objects.get_or_create(user=u, organization=org, role=Role.UNIT_OFFICER, handling_unit=unit)
        units.append(unit)
        officers.append(u)
    return org, users, members, units, officers


def build(n: int, org, users, members, units, rng):
    workflow = Workflow.objects.get(key="proposal", organization__isnull=True)
    states = {s.key: s for s in workflow.states.all()}
    categories = list(Category.objects.filter(organization__isnull=True))
    ct = ContentType.objects.get_for_model(Proposal)
    staff = users[Role.PROPOSALS_STAFF]
    keys = [k for k, w in STATE_MIX for _ in range(w)]
    now = timezone.now()
    done = Proposal.objects.filter(organization=org).count()
    batch = 5000
    seq = done
    while done < n:
        rows = []
        for _ in range(min(batch, n - done)):
            key = rng.choice(keys)
            state = states[key]
            at = now - timedelta(days=rng.randint(1, 360), minutes=rng.randint(0, 1440))
            numbered = PATH.index(key) >= PATH.index("numbered")
            seq += 1
            rows.append(
                Proposal(
                    organization=org,
                    year=2026,
                    title=f"关于第{seq}号基准问题的建议",
                    body="基准正文。" * 40,
                    submitter=rng.choice(members),
                    workflow=workflow,
                    state=state,
                    state_entered_at=at,
                    due_on=(at + timedelta(days=rng.randint(5, 90))).date() if state.deadline_amount else None,
                    category=rng.choice(categories) if numbered else None,
                    seq=seq if numbered else None,
                    number=f"〔2026〕第{seq:06d}号" if numbered else "",
                    outcome="filed" if PATH.index(key) >= PATH.index("filed") else "",
                    is_key=numbered and rng.random() < 0.06,
                    key_leader=users[Role.LEADER] if numbered else None,
                    created_at=at - timedelta(days=5),
                    submitted_at=at - timedelta(days=4) if key != "draft" else None,
                )
            )
        Proposal.objects.bulk_create(rows, batch_size=batch)
        assignments = []
        for p in rows:
            key = p.state.key
            if PATH.index(key) >= PATH.index("assigned"):
                lead = rng.choice(units)
                status = "pending" if key == "assigned" else "received"
                assignments.append(
                    Assignment(
                        proposal=p,
                        unit=lead,
                        role="lead",
                        status=status,
                        assigned_at=p.state_entered_at,
                        proposal_state=p.state,
                        proposal_due_on=p.due_on,
                    )
                )
                if rng.random() < 0.4:
                    co = rng.choice([u for u in units if u != lead])
                    assignments.append(
                        Assignment(
                            proposal=p,
                            unit=co,
                            role="co",
                            status=status,
                            assigned_at=p.state_entered_at,
                            proposal_state=p.state,
                            proposal_due_on=p.due_on,
                        )
                    )
        Assignment.objects.bulk_create(assignments, batch_size=batch)
        _events_sql(ct, org, workflow, staff, rows[0].pk, rows[-1].pk)
        done += len(rows)
        print(f"  {done} proposals", flush=True)


def _events_sql(ct, org, workflow, staff, first_id, last_id):
    """Each proposal's events along the path up to its state, written by one INSERT … SELECT per batch."""
    states = {s.key: s for s in workflow.states.all()}
    values = ", ".join(f"({i}, {states[k].pk}, '{states[k].name}')" for i, k in enumerate(PATH))
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH path(idx, state_id, name) AS (VALUES {values})
            INSERT INTO workflow_workflowevent (content_type_id, object_id, organization_id, workflow_id, kind,
                from_state_id, to_state_id, actor_id, actor_name, transition_name, from_state_name, to_state_name,
                payload, reason, at)
            SELECT %s, p.id, %s, %s, CASE WHEN s.idx = 0 THEN 'start' ELSE 'transition' END,
                prev.state_id, s.state_id, %s, %s, s.name, COALESCE(prev.name, ''), s.name, '{{}}', '',
                p.created_at + s.idx * interval '1 hour'
            FROM proposals_proposal p
            JOIN path cur ON cur.state_id = p.state_id
            JOIN path s ON s.idx <= cur.idx
            LEFT JOIN path prev ON prev.idx = s.idx - 1
            WHERE p.id BETWEEN %s AND %s
            """,
            [ct.pk, org.pk, workflow.pk, staff.pk, staff.name, first_id, last_id],
        )


def timed(fn, runs):
    times = []
    with CaptureQueriesContext(connection) as ctx:
        fn()
    queries = len(ctx.captured_queries)
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return {
        "p50": round(statistics.median(times), 1),
        "p95": round(times[int(len(times) * 0.95) - 1], 1),
        "queries": queries,
    }


def measure(org, users, units, officers, runs):
    staff = users[Role.PROPOSALS_STAFF]
    officer = officers[0]
    sample = list(Proposal.objects.filter(organization=org, state__key="handling").values_list("pk", flat=True)[:200])

    def staff_queue():
        qs = selectors.staff_queue(org)
        rows = list(qs[:50])
        for p in rows:
            _ = (p.state.name, p.category, p.submitter.name, [a.unit.name for a in p.assignments.all()])
        return qs.count()

    def unit_inbox():
        qs = selectors.unit_inbox(officer, org)
        rows = list(qs[:50])
        for a in rows:
            _ = (a.proposal.state.name, a.unit.name, a.is_overdue, a.proposal.submitter.name)
        return qs.count()

    i = [0]

    def page():
        i[0] = (i[0] + 1) % len(sample)
        user = User.objects.get(pk=staff.pk)  # a fresh request
        detail = selectors.proposal_detail(user, sample[i[0]])
        return len(detail.events)

    return {
        "staff queue": timed(staff_queue, runs),
        "unit inbox": timed(unit_inbox, runs),
        "proposal page": timed(page, runs),
    }


def transitions(org, users, members, units, officers, count):
    """Real transitions through the services: submit → pre-accept → start review, timed per transition."""
    staff = users[Role.PROPOSALS_STAFF]
    times = []
    for i in range(count):
        with transaction.atomic():
            p = services.proposal_create(
                actor=members[i % len(members)], organization=org, title=f"基准事务{i}", body="正文" * 20
            )
        for key, actor in (("submit", p.submitter), ("pre_accept", staff), ("start_review", staff)):
            t = time.perf_counter()
            services.proposal_transition(actor=actor, proposal=p, key=key)
            times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return {"p50": round(statistics.median(times), 1), "p95": round(times[int(len(times) * 0.95) - 1], 1)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--transitions", type=int, default=40)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run on PostgreSQL: DATABASE_URL=postgres://postgres@127.0.0.1:5432/xieshang_bench")
    call_command("migrate", verbosity=0)
    rng = random.Random(7)
    org, users, members, units, officers = setup_people()
    results = {}
    for size in (args.n // 10, args.n):
        t = time.time()
        build(size, org, users, members, units, rng)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # what autovacuum does after a bulk load
        print(f"data: {size} proposals ready ({time.time() - t:.0f} s)", flush=True)
        results[size] = measure(org, users, units, officers, args.runs)
        print(size, results[size], flush=True)
    results["transition"] = transitions(org, users, members, units, officers, args.transitions)
    print("transition", results["transition"])
    events = WorkflowEvent.objects.filter(organization_id=org.pk).count()
    print(f"events: {events}")


if __name__ == "__main__":
    main()
