"""Tables that grow without bound, partitioned by time on PostgreSQL, and their retention (decision 0043).

A table is converted by its app's migration (`convert`): on PostgreSQL it becomes ``PARTITION BY RANGE (<time
column>)`` with one partition per month (or year) that holds rows, the coming ones, and a default partition so that an
insert never fails; on SQLite nothing changes. The model keeps ``id`` as its primary key: the table's key is (id,
<time column>), which PostgreSQL requires, and Django only ever reads, updates and deletes by ``id`` (an index whose
first column is ``id``), inserts with ``RETURNING id`` and never learns of the difference.

Each app registers its tables (`register`) with what retention means for them; the commands ``partitions`` (daily:
the coming partitions, rows that fell into the default moved out of it) and ``retention`` (drop what is past its
period: a partition detached and dropped on PostgreSQL, batched deletes on SQLite) run over the registry.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import connection as default_connection
from django.db import transaction

logger = logging.getLogger("xieshang.partitions")

MONTH, YEAR = "month", "year"
# Coming periods kept ready: with the daily command, more than two months of missed runs before a row meets the default.
AHEAD = {MONTH: 3, YEAR: 1}
BATCH = 2000


@dataclass(frozen=True)
class Partition:
    name: str
    lower: datetime | None  # None: the default partition
    upper: datetime | None

    @property
    def is_default(self) -> bool:
        return self.lower is None


@dataclass
class Table:
    """One registered table. `days()` is its retention in days (None: kept for ever). The hooks, all optional:
    `guard()` a context in which rows may be moved or deleted (the audit trail's triggers lifted); `before_drop(lo, hi,
    partition)` clears what points into rows about to go (PostgreSQL, no foreign keys there) and may refuse by raising
    Refused; `sqlite_delete(cutoff, dry_run)` replaces the batched delete of rows older than the cutoff."""

    model: str  # "app_label.ModelName"
    column: str
    interval: str = MONTH
    days: Callable[[], int | None] = lambda: None
    guard: Callable[[], Any] | None = None
    before_drop: Callable[[datetime, datetime, Partition, bool], dict[str, Any] | None] | None = None
    sqlite_delete: Callable[[datetime, bool], int] | None = None
    companions: Callable[[datetime, bool], dict[str, Any]] | None = (
        None  # rows of companion tables (e.g. inbound SMS) past the cutoff
    )
    key: str = ""

    def model_class(self) -> Any:
        from django.apps import apps

        return apps.get_model(self.model)

    @property
    def table(self) -> str:
        return str(self.model_class()._meta.db_table)


class Refused(Exception):
    """A partition that must not be dropped yet (the audit chain would lose a row in the middle)."""


_registry: dict[str, Table] = {}
_recorders: list[Callable[[str, dict[str, Any]], None]] = []


def register(table: Table) -> None:
    table.key = table.key or table.model.lower()
    _registry[table.key] = table


def registered() -> list[Table]:
    return list(_registry.values())


def register_recorder(fn: Callable[[str, dict[str, Any]], None]) -> None:
    """`fn(action, detail)` records a run of the commands (the audit app puts it in the trail)."""
    if fn not in _recorders:
        _recorders.append(fn)


def record(action: str, detail: dict[str, Any]) -> None:
    for fn in _recorders:
        fn(action, detail)


# Periods ----------------------------------------------------------------------------------------------------------


def period_start(moment: datetime, interval: str) -> datetime:
    moment = moment.astimezone(UTC)
    if interval == YEAR:
        return datetime(moment.year, 1, 1, tzinfo=UTC)
    return datetime(moment.year, moment.month, 1, tzinfo=UTC)


def next_period(start: datetime, interval: str) -> datetime:
    if interval == YEAR:
        return start.replace(year=start.year + 1)
    return start.replace(year=start.year + 1, month=1) if start.month == 12 else start.replace(month=start.month + 1)


def partition_name(table: str, start: datetime, interval: str) -> str:
    return f"{table}_y{start:%Y}" if interval == YEAR else f"{table}_p{start:%Y_%m}"


def _literal(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S+00")


# Reading the catalogue --------------------------------------------------------------------------------------------


def is_partitioned(table: str, connection: Any = None) -> bool:
    connection = connection or default_connection
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid "
            "WHERE c.relname = %s AND pg_table_is_visible(c.oid)",
            [table],
        )
        return cursor.fetchone() is not None


_BOUND = re.compile(r"FROM \('([^']+)'\) TO \('([^']+)'\)")


def _parse_bound(text: str) -> datetime:
    text = text.strip()
    if re.search(r"[+-]\d\d$", text):
        text += ":00"
    return datetime.fromisoformat(text).astimezone(UTC)


def partitions(table: str, connection: Any = None) -> list[Partition]:
    """The partitions of `table`, oldest first, the default last."""
    connection = connection or default_connection
    found, default = [], None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i "
            "JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent "
            "WHERE p.relname = %s AND pg_table_is_visible(p.oid)",
            [table],
        )
        rows = cursor.fetchall()
    for name, bound in rows:
        if bound == "DEFAULT":
            default = Partition(name, None, None)
            continue
        match = _BOUND.search(bound)
        if match:
            found.append(Partition(name, _parse_bound(match.group(1)), _parse_bound(match.group(2))))
    found.sort(key=lambda p: p.lower or datetime.min.replace(tzinfo=UTC))
    return found + ([default] if default else [])


# Converting a table (migrations) ----------------------------------------------------------------------------------


def _fetch(cursor: Any, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    cursor.execute(sql, params or [])
    return list(cursor.fetchall())


def _capture(cursor: Any, table: str, column: str) -> dict[str, Any]:
    """What convert() must put back on the rebuilt table."""
    q = cursor.db.ops.quote_name
    oid = _fetch(cursor, "SELECT %s::regclass::oid", [table])[0][0]
    incoming = _fetch(cursor, "SELECT conname FROM pg_constraint WHERE confrelid = %s AND contype = 'f'", [oid])
    if incoming:
        raise RuntimeError(f"{table}: foreign keys point at it ({incoming}); drop them first (db_constraint=False)")
    indexes = _fetch(
        cursor,
        "SELECT c.relname, pg_get_indexdef(x.indexrelid), x.indisunique, x.indisprimary, "
        "(SELECT a.attnum FROM pg_attribute a WHERE a.attrelid = %s AND a.attname = %s) = ANY(x.indkey::int2[]) "
        "FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid WHERE x.indrelid = %s ORDER BY c.relname",
        [oid, column, oid],
    )
    constraints = _fetch(
        cursor,
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s AND contype IN ('c', 'f') ORDER BY conname",
        [oid],
    )
    triggers = _fetch(
        cursor,
        "SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = %s AND NOT tgisinternal ORDER BY tgname",
        [oid],
    )
    owner = _fetch(cursor, "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = %s", [oid])[0][0]
    grants = _fetch(
        cursor,
        "SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END, "
        "a.privilege_type FROM pg_class c, aclexplode(c.relacl) a WHERE c.oid = %s AND a.grantee <> c.relowner",
        [oid],
    )
    sequence = _fetch(cursor, "SELECT pg_get_serial_sequence(%s, 'id')", [table])[0][0]
    next_id = _fetch(cursor, f"SELECT coalesce(max(id), 0) + 1 FROM {q(table)}")[0][0]  # noqa: S608
    return {
        "indexes": indexes,
        "constraints": constraints,
        "triggers": triggers,
        "owner": owner,
        "grants": grants,
        "sequence": sequence,
        "next_id": next_id,
    }


def convert(schema_editor: Any, table: str, column: str, interval: str = MONTH, now: datetime | None = None) -> None:
    """Turn `table` into a table partitioned by range of `column` (PostgreSQL only; idempotent), keeping its rows,
    indexes (a unique one that lacks `column` becomes a plain index: see decision 0043), check and outgoing foreign-key
    constraints, triggers, owner, grants and id sequence. Refuses while another table's foreign key points at it."""
    connection = schema_editor.connection
    if connection.vendor != "postgresql" or is_partitioned(table, connection):
        return
    now = now or datetime.now(UTC)
    q = connection.ops.quote_name
    tmp = f"{table}__partitioned"[:63]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL TimeZone = 'UTC'")
        saved = _capture(cursor, table, column)
        sequence, next_id = saved["sequence"], saved["next_id"]
        trunc = "year" if interval == YEAR else "month"
        periods = {
            row[0].astimezone(UTC)
            for row in _fetch(cursor, f"SELECT DISTINCT date_trunc('{trunc}', {q(column)}) FROM {q(table)}")  # noqa: S608
            if row[0] is not None
        }
        start = period_start(now, interval)
        for _ in range(AHEAD[interval] + 1):
            periods.add(start)
            start = next_period(start, interval)

        cursor.execute(
            f"CREATE TABLE {q(tmp)} (LIKE {q(table)} INCLUDING DEFAULTS INCLUDING STORAGE INCLUDING COMMENTS) "
            f"PARTITION BY RANGE ({q(column)})"
        )
        names = [table + "_default"]
        for lower in sorted(periods):
            upper = next_period(lower, interval)
            names.append(partition_name(table, lower, interval))
            cursor.execute(
                f"CREATE TABLE {q(names[-1])} PARTITION OF {q(tmp)} "
                f"FOR VALUES FROM ('{_literal(lower)}') TO ('{_literal(upper)}')"
            )
        cursor.execute(f"CREATE TABLE {q(names[0])} PARTITION OF {q(tmp)} DEFAULT")
        cursor.execute(f"INSERT INTO {q(tmp)} SELECT * FROM {q(table)}")  # noqa: S608
        cursor.execute(f"DROP TABLE {q(table)}")
        cursor.execute(f"ALTER TABLE {q(tmp)} RENAME TO {q(table)}")
        cursor.execute(f"ALTER TABLE {q(table)} ADD CONSTRAINT {q(table + '_pkey')} PRIMARY KEY (id, {q(column)})")
        seq = sequence.split(".")[-1].strip('"') if sequence else f"{table}_id_seq"
        cursor.execute(f"CREATE SEQUENCE {q(seq)} AS bigint OWNED BY {q(table)}.id")
        cursor.execute("SELECT setval(%s, %s, false)", [seq, next_id])
        cursor.execute(f"ALTER TABLE {q(table)} ALTER COLUMN id SET DEFAULT nextval('{seq}'::regclass)")
        _restore(cursor, table, [table, *names], seq, saved)
        cursor.execute(f"ANALYZE {q(table)}")


def _restore(cursor: Any, table: str, tables: list[str], seq: str, saved: dict[str, Any]) -> None:
    q = cursor.db.ops.quote_name
    owner = saved["owner"]
    for _name, definition, unique, primary, has_column in saved["indexes"]:
        if primary:
            continue
        if unique and not has_column:
            # PostgreSQL cannot enforce it across partitions: the writers serialize on the key instead
            # (core.partitions.serialize), and the lookup keeps its index.
            definition = definition.replace("CREATE UNIQUE INDEX", "CREATE INDEX", 1)
        cursor.execute(definition)
    for name, definition in saved["constraints"]:
        cursor.execute(f"ALTER TABLE {q(table)} ADD CONSTRAINT {q(name)} {definition}")
    for (definition,) in saved["triggers"]:
        cursor.execute(definition)
    # Ownership does not recurse: each partition belongs to the table's owner too (the audit owner role, 0004).
    for name in tables:
        cursor.execute(f"ALTER TABLE {q(name)} OWNER TO {q(owner)}")
    cursor.execute(f"ALTER SEQUENCE {q(seq)} OWNER TO {q(owner)}")
    for grantee, privilege in saved["grants"]:
        cursor.execute(f"GRANT {privilege} ON {q(table)} TO {grantee}")
        if privilege == "INSERT":
            cursor.execute(f"GRANT USAGE, SELECT ON SEQUENCE {q(seq)} TO {grantee}")


def unconvert(schema_editor: Any, table: str, column: str) -> None:
    """The way back (a migration reversed): one plain table with the same rows; unique indexes stay plain."""
    connection = schema_editor.connection
    if connection.vendor != "postgresql" or not is_partitioned(table, connection):
        return
    q = connection.ops.quote_name
    tmp = f"{table}__plain"[:63]
    with connection.cursor() as cursor:
        oid = _fetch(cursor, "SELECT %s::regclass::oid", [table])[0][0]
        indexes = _fetch(
            cursor,
            "SELECT pg_get_indexdef(x.indexrelid) FROM pg_index x WHERE x.indrelid = %s AND NOT x.indisprimary",
            [oid],
        )
        constraints = _fetch(
            cursor,
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s AND contype IN ('c', 'f')",
            [oid],
        )
        triggers = _fetch(
            cursor, "SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = %s AND NOT tgisinternal", [oid]
        )
        next_id = _fetch(cursor, f"SELECT coalesce(max(id), 0) + 1 FROM {q(table)}")[0][0]  # noqa: S608
        cursor.execute(f"CREATE TABLE {q(tmp)} (LIKE {q(table)} INCLUDING DEFAULTS INCLUDING STORAGE)")
        cursor.execute(f"ALTER TABLE {q(tmp)} ALTER COLUMN id DROP DEFAULT")
        cursor.execute(f"INSERT INTO {q(tmp)} SELECT * FROM {q(table)}")  # noqa: S608
        cursor.execute(f"DROP TABLE {q(table)} CASCADE")
        cursor.execute(f"ALTER TABLE {q(tmp)} RENAME TO {q(table)}")
        cursor.execute(f"ALTER TABLE {q(table)} ADD CONSTRAINT {q(table + '_pkey')} PRIMARY KEY (id)")
        cursor.execute(
            f"ALTER TABLE {q(table)} ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (START WITH {int(next_id)})"
        )
        for (definition,) in indexes:
            cursor.execute(definition)
        for name, definition in constraints:
            cursor.execute(f"ALTER TABLE {q(table)} ADD CONSTRAINT {q(name)} {definition}")
        for (definition,) in triggers:
            cursor.execute(definition)


# Keeping partitions ready (the daily command) ---------------------------------------------------------------------


def ensure(spec: Table, now: datetime | None = None, *, dry_run: bool = False) -> list[str]:
    """Create the partitions of the current and coming periods, and one for each period whose rows fell into the
    default partition (moved out of it in the same transaction). Idempotent. Returns the partitions created."""
    connection = default_connection
    table = spec.table
    if not is_partitioned(table, connection):
        return []
    now = now or datetime.now(UTC)
    q = connection.ops.quote_name
    have = {p.lower for p in partitions(table, connection) if not p.is_default}
    wanted = set()
    start = period_start(now, spec.interval)
    for _ in range(AHEAD[spec.interval] + 1):
        wanted.add(start)
        start = next_period(start, spec.interval)
    default = f"{table}_default"
    stray = set(_default_periods(spec))
    created = []
    for lower in sorted((wanted | stray) - have):
        name = partition_name(table, lower, spec.interval)
        created.append(name)
        if dry_run:
            continue
        upper = next_period(lower, spec.interval)
        bounds = f"FOR VALUES FROM ('{_literal(lower)}') TO ('{_literal(upper)}')"
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = %s::regclass", [table])
            owner = cursor.fetchone()[0]
            if lower not in stray:
                cursor.execute(f"CREATE TABLE {q(name)} PARTITION OF {q(table)} {bounds}")
                cursor.execute(f"ALTER TABLE {q(name)} OWNER TO {q(owner)}")
                continue
            # Rows of this period sit in the default partition: PostgreSQL refuses a new partition that would
            # leave them there, so they move into the new table before it is attached.
            cursor.execute(f"LOCK TABLE {q(table)} IN SHARE ROW EXCLUSIVE MODE")
            cursor.execute(
                f"CREATE TABLE {q(name)} (LIKE {q(table)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)"
            )
            with spec.guard() if spec.guard else nullcontext():
                move = (
                    f"WITH moved AS (DELETE FROM {q(default)} WHERE {q(spec.column)} >= %s AND {q(spec.column)} < %s "  # noqa: S608
                    f"RETURNING *) INSERT INTO {q(name)} SELECT * FROM moved"
                )
                cursor.execute(move, [lower, upper])
            cursor.execute(f"ALTER TABLE {q(name)} OWNER TO {q(owner)}")
            cursor.execute(f"ALTER TABLE {q(table)} ATTACH PARTITION {q(name)} {bounds}")
    return created


# Retention --------------------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    table: str
    days: int | None
    cutoff: datetime | None = None
    dropped: list[str] = field(default_factory=list)
    rows: int = 0
    refused: str = ""
    detail: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "days": self.days,
            "cutoff": self.cutoff.isoformat() if self.cutoff else None,
            "dropped": self.dropped,
            "rows": self.rows,
            "refused": self.refused,
            **self.detail,
        }


def expired(spec: Table, cutoff: datetime) -> list[Partition]:
    """The partitions whose every possible row is older than the cutoff, oldest first."""
    return [p for p in partitions(spec.table) if not p.is_default and p.upper is not None and p.upper <= cutoff]


def _count(table: str) -> int:
    q = default_connection.ops.quote_name
    with default_connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {q(table)}")  # noqa: S608
        return int(cursor.fetchone()[0])


def apply_retention(spec: Table, *, now: datetime | None = None, dry_run: bool = False) -> Outcome:
    """Remove what is past `spec`'s retention: on PostgreSQL the partitions wholly before the cutoff, each detached
    and dropped (after `before_drop`), oldest first, stopping at the first refused; on SQLite (or a table not
    partitioned) batched deletes of the rows before the cutoff."""
    days = spec.days()
    outcome = Outcome(spec.table, days)
    if days is None:
        return outcome
    now = now or datetime.now(UTC)
    cutoff = now - timedelta(days=days)
    outcome.cutoff = cutoff
    if spec.companions is not None:
        outcome.detail.update(spec.companions(cutoff, dry_run))
    if not is_partitioned(spec.table):
        if spec.sqlite_delete is not None:
            outcome.rows = spec.sqlite_delete(cutoff, dry_run)
        else:
            outcome.rows = delete_before(spec, cutoff, dry_run=dry_run)
        return outcome
    ensure(spec, now, dry_run=dry_run)
    q = default_connection.ops.quote_name
    for partition in expired(spec, cutoff):
        assert partition.lower is not None and partition.upper is not None
        rows = _count(partition.name)
        try:
            with transaction.atomic():
                if spec.before_drop is not None:
                    detail = spec.before_drop(partition.lower, partition.upper, partition, dry_run)
                    for key, value in (detail or {}).items():
                        outcome.detail.setdefault(key, []).append(value)
                if not dry_run:
                    with default_connection.cursor() as cursor:
                        cursor.execute(f"ALTER TABLE {q(spec.table)} DETACH PARTITION {q(partition.name)}")
                        cursor.execute(f"DROP TABLE {q(partition.name)}")
        except Refused as refusal:
            outcome.refused = f"{partition.name}: {refusal}"
            break
        outcome.dropped.append(partition.name)
        outcome.rows += rows
    if dry_run and not outcome.refused:
        _would_drop_from_default(spec, cutoff, outcome)
    return outcome


def _default_periods(spec: Table, before: datetime | None = None) -> dict[datetime, int]:
    """The periods (their first moment, UTC) of the rows in the default partition, with how many each has; only
    rows before `before` when given."""
    q = default_connection.ops.quote_name
    trunc = "year" if spec.interval == YEAR else "month"
    sql = (
        f"SELECT date_trunc('{trunc}', {q(spec.column)} AT TIME ZONE 'UTC'), count(*) "  # noqa: S608
        f"FROM {q(spec.table + '_default')} WHERE {q(spec.column)} IS NOT NULL"
    )
    params: list[Any] = []
    if before is not None:
        sql += f" AND {q(spec.column)} < %s"
        params.append(before)
    with default_connection.cursor() as cursor:
        cursor.execute(sql + " GROUP BY 1", params)
        return {row[0].replace(tzinfo=UTC): int(row[1]) for row in cursor.fetchall()}


def _would_drop_from_default(spec: Table, cutoff: datetime, outcome: Outcome) -> None:
    """What a dry run cannot see through `expired`: rows of past periods still in the default partition. A real run
    first gives each such period a partition of its own (`ensure`, which the dry run only plans), and then drops the
    ones past the cutoff with the rest; the dry run counts them where they are, by period."""
    # a period ending at or before the cutoff starts before the cutoff's own period
    for lower, rows in sorted(_default_periods(spec, before=period_start(cutoff, spec.interval)).items()):
        outcome.dropped.append(partition_name(spec.table, lower, spec.interval))
        outcome.rows += rows
    outcome.dropped.sort()


def delete_before(spec: Table, cutoff: datetime, *, dry_run: bool = False) -> int:
    """Batched deletes through the ORM (so on_delete of the rows pointing here runs), BATCH rows a transaction."""
    model = spec.model_class()
    old = model._base_manager.filter(**{f"{spec.column}__lt": cutoff})
    if dry_run:
        return int(old.count())
    total = 0
    while True:
        ids = list(old.order_by("pk").values_list("pk", flat=True)[:BATCH])
        if not ids:
            return total
        with transaction.atomic():
            total += _delete_ids(model, ids)


def _delete_ids(model: Any, ids: list[int]) -> int:
    from django.db.models import QuerySet

    # Past an append-only manager's refusal on purpose: retention is the one delete such rows allow.
    return QuerySet(model=model).filter(pk__in=ids).delete()[1].get(model._meta.label, 0)


# Writers that a unique index no longer serializes -----------------------------------------------------------------

LOCK_CLASS = 0x5850  # "XP": the first key of the advisory locks taken by serialize()


@contextmanager
def serialize(name: str, using: str = "default") -> Iterator[None]:
    """On a partitioned table PostgreSQL cannot keep a key unique across partitions (the index must include the
    partition column). Code that looks a key up and inserts when it is missing runs that inside this block: one
    transaction at a time per key (a transaction-scoped advisory lock). SQLite's unique index still holds, and its
    single writer serializes anyway."""
    if transaction.get_connection(using).vendor != "postgresql":
        yield
        return
    with transaction.atomic(using=using, savepoint=False):
        with transaction.get_connection(using).cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [LOCK_CLASS, name])
        yield
