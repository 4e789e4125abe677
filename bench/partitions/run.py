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
    call_command("migrate", "audit", "0004", verbosity=0)
    run("SET TimeZone = 'UTC'")
    if run("SELECT count(*) FROM audit_auditentry")[0][0] < ROWS:
        started = time.perf_counter()
        run(
            f"""INSERT INTO audit_auditentry (at, actor_name, organization_id, action, object_type, object_id,
                object_repr, result, ip_address, detail, actor_id, prev_hash, row_hash)
            SELECT now() - make_interval(secs => ({MONTHS} * 30 * 86400.0) * (1 - g::float8 / %s)),
                   'member ' || (g % 1000), 1 + g % 50, (ARRAY['proposal.submit', 'login.succeeded', 'proposal.assign',
                   'http.refused'])[1 + g % 4], 'proposals.proposal', (g % 100000)::text, 'proposal ' || g, 'success',
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

    oldest = run(
        "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = 'audit_auditentry'::regclass AND c.relname <> 'audit_auditentry_default' "
        "ORDER BY c.relname LIMIT 2"
    )
    (name, bound), (second, _) = oldest[0], oldest[1]
    lower, upper = bound.split("'")[1], bound.split("'")[3]
    rows_in = run(f"SELECT count(*) FROM {second}")[0][0]  # noqa: S608
    # Compare on a full month (the oldest is partial): the second partition.
    bound2 = run("SELECT pg_get_expr(relpartbound, oid) FROM pg_class WHERE relname = %s", [second])[0][0]
    lower, upper = bound2.split("'")[1], bound2.split("'")[3]
    del name, bound
    delete_s, _ = timed("DELETE FROM audit_plain WHERE at >= %s AND at < %s", [lower, upper])
    vacuum_s, _ = timed("SELECT 1")  # placeholder to keep the shape; VACUUM cannot run in a transaction block
    started = time.perf_counter()
    run(f"ALTER TABLE audit_auditentry DETACH PARTITION {second}")
    run(f"DROP TABLE {second}")
    drop_s = time.perf_counter() - started
    out(step="retention of one month", rows=rows_in, delete_seconds=round(delete_s, 2), drop_seconds=round(drop_s, 3))
    del vacuum_s

    month = run("SELECT date_trunc('month', now() - interval '3 months')")[0][0]
    query = (
        "SELECT id, at, action, object_repr FROM {t} WHERE organization_id = 7 AND at >= %s "
        "AND at < %s + interval '1 month' ORDER BY at DESC, id DESC LIMIT 50"
    )
    head = "SELECT row_hash FROM {t} WHERE organization_id = 7 ORDER BY id DESC LIMIT 1"
    for table in ("audit_plain", "audit_auditentry"):
        plan = explain(query.format(t=table), [month, month])
        out(step="typical query", table=table, plan=plan)
        plan = explain(head.format(t=table))
        out(step="chain head", table=table, plan=plan)


if __name__ == "__main__":
    main()
