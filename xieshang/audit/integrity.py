"""Checking, anchoring and archiving the audit chain (audit.chain); the management commands call these."""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
from datetime import timedelta
from pathlib import Path

from django.db import connection, models, transaction
from django.utils import timezone

from . import chain, guard
from .models import AuditArchive, AuditEntry

logger = logging.getLogger("xieshang.audit.anchor")

# 等保 2.0 asks for audit records kept at least six months; the security policy may ask for more, never less.
MIN_RETENTION_DAYS = 183


def chain_starts() -> dict:
    starts: dict = {}
    for archive in AuditArchive.objects.order_by("last_id"):
        starts[archive.organization_id] = (archive.last_id, archive.last_hash)
    return starts


def verify_trail(anchors: list[dict] | None = None) -> tuple[int, chain.Break | None]:
    return chain.verify(AuditEntry, anchors=anchors, starts=chain_starts())


def take_anchor() -> dict:
    """The head of every chain, written to the log (where a log collector keeps it out of the database's reach) and
    returned for export; recorded in the trail too."""
    heads = chain.heads(AuditEntry)
    anchor = {"taken_at": timezone.now().isoformat(), "heads": heads}
    logger.warning("audit anchor %s", json.dumps(anchor, ensure_ascii=False, sort_keys=True))
    from .services import audit_record

    audit_record(actor=None, action="audit.anchored", detail={"chains": len(heads)})
    return anchor


def read_anchors(path: Path) -> list[dict]:
    """Every head of every anchor in a file of anchors, one JSON object a line (what audit_anchor --output appends)."""
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            found.extend(json.loads(line)["heads"])
    return found


def retention_days() -> int:
    """The security policy's retention (the row the security administrator edits, looked up by name: the audit app
    sits below accounts), never under MIN_RETENTION_DAYS."""
    from django.apps import apps
    from django.conf import settings

    days = settings.XIESHANG_SECURITY_DEFAULTS.get("audit_retention_days", MIN_RETENTION_DAYS)
    policy = apps.get_model("accounts", "SecurityPolicy").objects.order_by("pk").first()
    if policy is not None:
        days = policy.audit_retention_days
    return max(MIN_RETENTION_DAYS, int(days))


def archive_line(row: AuditEntry) -> str:
    """One archived row: its id, hashed fields and both hashes, so that the file can be checked against the chain."""
    return json.dumps(
        {
            "id": row.id,
            **{f: chain._value(row, f) for f in chain.FIELDS},
            "prev_hash": row.prev_hash,
            "row_hash": row.row_hash,
        },
        ensure_ascii=False,
        sort_keys=True,
    )


def archive_before(directory: Path, *, older_than_days: int | None = None) -> AuditArchive | None:
    """Move the rows older than the retention period into a gzipped JSON-lines file (rows with their hashes, so the
    file can be checked against the chain) and out of the table. Never younger than MIN_RETENTION_DAYS. Each chain
    keeps its continuation point (AuditArchive), so audit_verify still checks the rows that stay."""
    days = max(older_than_days or retention_days(), MIN_RETENTION_DAYS)
    cutoff = timezone.now() - timedelta(days=days)
    directory.mkdir(parents=True, exist_ok=True)
    with transaction.atomic():
        old = list(AuditEntry.objects.filter(at__lt=cutoff).order_by("id").select_for_update())
        # Only a prefix of each chain leaves (a row stamped out of order must not cut a hole in its chain).
        young_from = {
            org: AuditEntry.objects.filter(organization_id=org, at__gte=cutoff)
            .order_by("id")
            .values_list("id", flat=True)
            .first()
            for org in {r.organization_id for r in old}
        }
        rows = [r for r in old if young_from[r.organization_id] is None or r.id < young_from[r.organization_id]]
        if not rows:
            return None
        name = f"audit-{timezone.now():%Y%m%dT%H%M%S}-{rows[0].id}-{rows[-1].id}.jsonl.gz"
        path = directory / name
        digest = hashlib.sha256()
        with gzip.open(path, "wt", encoding="utf-8") as out:
            for row in rows:
                out.write(archive_line(row) + "\n")
        digest.update(path.read_bytes())
        last_by_org: dict = {}
        for row in rows:
            last_by_org[row.organization_id] = row
        archive = None
        for org, last in last_by_org.items():
            archive = AuditArchive.objects.create(
                organization_id=org,
                last_id=last.id,
                last_hash=last.row_hash,
                rows=sum(1 for r in rows if r.organization_id == org),
                file_name=name,
                file_sha256=digest.hexdigest(),
            )
        # The guard is lifted for this transaction only (the table owner runs this command on PostgreSQL).
        guard.remove(connection)
        with connection.cursor() as cursor:
            table = AuditEntry._meta.db_table
            ids = [r.id for r in rows]
            for start in range(0, len(ids), 500):
                chunk = ",".join(str(i) for i in ids[start : start + 500])
                cursor.execute(f"DELETE FROM {table} WHERE id IN ({chunk})")  # noqa: S608
        from django.conf import settings

        if settings.XIESHANG_AUDIT_DB_GUARD:
            guard.install(connection)
    from .services import audit_record

    audit_record(actor=None, action="audit.archived", detail={"rows": len(rows), "file": name})
    return archive


class ChainWouldBreak(Exception):
    """Archiving these rows would leave a hole in a chain, or they do not hold as a chain: nothing is removed."""


def archive_period(directory: Path, lower, upper, label: str, *, dry_run: bool = False) -> dict:
    """Retention of one month's partition (core.partitions, PostgreSQL): before it is dropped, its rows go into a
    gzipped JSON-lines file with their hashes, an `AuditArchive` row per chain records where the chain continues (so
    audit_verify checks what stays), and an anchor of every head is taken. Refuses (ChainWouldBreak) when a row of the
    period comes after a row of a later period in its chain (only a prefix of a chain may leave) or when the period's
    rows do not continue their chains from the last archive (a row changed or missing: audit_verify says which)."""
    period = AuditEntry.objects.filter(at__gte=lower, at__lt=upper)
    last_ids = dict(period.order_by().values_list("organization_id").annotate(m=models.Max("id")))
    for org, last_id in last_ids.items():
        later = (
            AuditEntry.objects.filter(organization_id=org, at__gte=upper).order_by("id").values_list("id", flat=True)
        ).first()
        if later is not None and later < last_id:
            raise ChainWouldBreak(f"chain of organization {org}: row {later} of a later month precedes row {last_id}")
    count = period.count()
    if dry_run or not count:
        return {"rows": count, "file": ""}
    heads = {org: start[1] for org, start in chain_starts().items()}
    directory.mkdir(parents=True, exist_ok=True)
    name = f"audit-{label}-{timezone.now():%Y%m%dT%H%M%S}.jsonl.gz"
    path = directory / name
    last: dict = {}
    counts: dict = {}
    try:
        with gzip.open(path, "wt", encoding="utf-8") as out:
            for row in period.order_by("id").iterator(chunk_size=2000):
                org = row.organization_id
                if row.prev_hash != heads.get(org, chain.GENESIS) or row.row_hash != chain.row_hash(row, row.prev_hash):
                    raise ChainWouldBreak(f"row {row.id} does not hold in its chain (run audit_verify)")
                heads[org], last[org] = row.row_hash, row
                counts[org] = counts.get(org, 0) + 1
                out.write(archive_line(row) + "\n")
    except ChainWouldBreak:
        path.unlink(missing_ok=True)
        raise
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    for org, row in last.items():
        AuditArchive.objects.create(
            organization_id=org,
            last_id=row.id,
            last_hash=row.row_hash,
            rows=counts[org],
            file_name=name,
            file_sha256=digest,
        )
    take_anchor()
    return {"rows": count, "file": name}
