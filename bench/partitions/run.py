"""Partitions and retention measured (decision 0043) on a table of realistic size.

Builds, in the PostgreSQL database of DATABASE_URL (one made for it: it is migrated here), an audit table of ROWS rows
over MONTHS months (generate_series, 50 organizations), with the audit app migrated up to 0004 (the plain table);
copies it into a plain table for comparison; then times:
- the conversion (migration audit 0005: partitions for each month, rows copied, indexes rebuilt);
- retention of one month: DETACH + DROP of its partition vs DELETE of the same rows from the plain copy;
- a typical query (one organization's rows of one month, newest first, 50) and the chain head read on every insert,
  with their plans (partition pruning), on both tables.
Prints one JSON object a line. Usage:
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/xieshang_bench_partitions ROWS=3000000 \
    .venv/bin/python bench/partitions/run.py
"""

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xieshang.settings")
os.environ.setdefault("XIESHANG_DEV", "1")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("XIESHANG_AUDIT_DB_GUARD", "0")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

ROWS = int(os.environ.get("ROWS", "3000000"))
MONTHS = int(os.environ.get("MONTHS", "24"))


def out(**fields):
    print(json.dumps(fields, ensure_ascii=False), flush=True)


def run(sql, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchall() if cursor.description else None


def timed(sql, params=None):
    started = time.perf_counter()
    rows = run(sql, params)
    return time.perf_counter() - started, rows


def explain(sql, params=None):
    plan = run("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF, SUMMARY ON) " + sql, params)
    return [row[0] for row in plan]


def main():
    if os.environ.get("QUERIES_ONLY"):  # the table is built and converted already: plans and inserts again
        return queries()
    call_command("migrate", "audit", "0004", verbosity=0)
    run("SET TimeZone = 'UTC'")
    if run("SELECT count(*) FROM audit_auditentry")[0][0] < ROWS:
        started = time.perf_counter()
        run(
            f"""INSERT INTO audit_auditentry (at, actor_name, organization_id, action, object_type, object_id,
                object_repr, result, ip_address, detail, actor_id, prev_hash, row_hash)
            SELECT now() - make_interval(secs => ({MONTHS} * 30 * 86400.0) * (1 - g::float8 / %s)),
                   'member ' || (g %% 1000), 1 + g %% 50,
                   (ARRAY['proposal.submit', 'login.succeeded', 'proposal.assign', 'http.refused'])[1 + g %% 4],
                   'proposals.proposal', (g %% 100000)::text, 'proposal ' || g, 'success',
                   '10.0.0.1', jsonb_build_object('i', g), NULL, md5(g::text) || md5((g + 1)::text),
                   md5((g + 2)::text) || md5((g + 3)::text)
            FROM generate_series(1, %s) g""",  # noqa: S608
            [ROWS, ROWS],
        )
        run("ANALYZE audit_auditentry")
        out(step="generate", rows=ROWS, months=MONTHS, seconds=round(time.perf_counter() - started, 1))
    run("DROP TABLE IF EXISTS audit_plain")
    run("CREATE TABLE audit_plain (LIKE audit_auditentry INCLUDING ALL)")
    run("INSERT INTO audit_plain SELECT * FROM audit_auditentry")
    run("ANALYZE audit_plain")
    size = run("SELECT pg_size_pretty(pg_total_relation_size('audit_plain'))")[0][0]
    out(step="plain copy", rows=ROWS, size=size)

    started = time.perf_counter()
    call_command("migrate", "audit", "0005", verbosity=0)
    out(step="convert (migration audit 0005)", rows=ROWS, seconds=round(time.perf_counter() - started, 1))
    run("ANALYZE audit_auditentry")

    parts = run(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = 'audit_auditentry'::regclass AND c.relname <> 'audit_auditentry_default' "
        "ORDER BY c.relname"
    )
    # The oldest month is partial: compare on whole months, one (a daily run) and then six (a first run's backlog).
    for count, chosen in ((1, [parts[1][0]]), (6, [p[0] for p in parts[2:8]])):
        bounds = [
            run("SELECT pg_get_expr(relpartbound, oid) FROM pg_class WHERE relname = %s", [name])[0][0].split("'")
            for name in chosen
        ]
        lower, upper = bounds[0][1], bounds[-1][3]
        rows_in = sum(run(f"SELECT count(*) FROM {name}")[0][0] for name in chosen)  # noqa: S608
        run("CHECKPOINT")
        wal = run("SELECT pg_current_wal_lsn()")[0][0]
        delete_s, _ = timed("DELETE FROM audit_plain WHERE at >= %s AND at < %s", [lower, upper])
        delete_wal = run("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), %s)::bigint", [wal])[0][0]
        vacuum_s, _ = timed("VACUUM audit_plain")
        run("CHECKPOINT")
        wal = run("SELECT pg_current_wal_lsn()")[0][0]
        started = time.perf_counter()
        for name in chosen:
            run(f"ALTER TABLE audit_auditentry DETACH PARTITION {name}")
            run(f"DROP TABLE {name}")
        drop_s = time.perf_counter() - started
        drop_wal = run("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), %s)::bigint", [wal])[0][0]
        out(
            step=f"retention of {count} month(s)",
            rows=rows_in,
            delete_seconds=round(delete_s, 2),
            delete_wal_mb=round(delete_wal / 2**20, 1),
            vacuum_after_delete_seconds=round(vacuum_s, 2),
            detach_drop_seconds=round(drop_s, 3),
            detach_drop_wal_mb=round(drop_wal / 2**20, 2),
        )

    queries()


def queries():
    run("SET TimeZone = 'UTC'")
    month, next_month = run(
        "SELECT date_trunc('month', now() - interval '3 months'), date_trunc('month', now() - interval '2 months')"
    )[0]
    # As Django sends it (at__gte / at__lt, values bound in the client): the planner prunes to one partition.
    query = (
        "SELECT id, at, action, object_repr FROM {t} WHERE organization_id = 7 AND at >= %s "
        "AND at < %s ORDER BY at DESC, id DESC LIMIT 50"
    )
    head = "SELECT row_hash FROM {t} WHERE organization_id = 7 ORDER BY id DESC LIMIT 1"
    run("ANALYZE audit_plain")
    for table in ("audit_plain", "audit_auditentry"):
        for label, sql, params in (("typical query", query, [month, next_month]), ("chain head", head, [])):
            explain(sql.format(t=table), params)  # the first plans with a cold cache; the second is what a worker sees
            plan = explain(sql.format(t=table), params)
            timings = [line.strip() for line in plan if "Time:" in line]
            out(step=label, table=table, timings=timings, plan=plan if "--plans" in sys.argv else None)
    inserts()


def inserts(n=2000):
    """audit_record as services call it (chain lock, chain head, insert, one transaction each), on the plain copy and
    on the partitioned table."""
    from django.db import transaction

    from xieshang.audit.services import audit_record

    for table in ("audit_plain", "audit_auditentry"):
        if table == "audit_plain":  # the model's table name stays; the plain copy takes it for this run
            run("ALTER TABLE audit_auditentry RENAME TO audit_partitioned")
            run("ALTER TABLE audit_plain RENAME TO audit_auditentry")
        run("SELECT setval(pg_get_serial_sequence('audit_auditentry', 'id'), (SELECT max(id) FROM audit_auditentry))")
        try:
            for org in range(1, 51):  # warm
                with transaction.atomic():
                    audit_record(actor=None, action="bench.warm", organization=org)
            started = time.perf_counter()
            for i in range(n):
                with transaction.atomic():
                    audit_record(actor=None, action="bench.insert", organization=1 + i % 50, detail={"i": i})
            seconds = time.perf_counter() - started
        finally:
            if table == "audit_plain":
                run("ALTER TABLE audit_auditentry RENAME TO audit_plain")
                run("ALTER TABLE audit_partitioned RENAME TO audit_auditentry")
        out(step="audit_record", table=table, rows=n, ms_per_row=round(1000 * seconds / n, 3))


if __name__ == "__main__":
    main()
