"""Checking, anchoring and archiving the audit chain (audit.chain); the management commands call these."""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
from datetime import timedelta
from pathlib import Path

from django.db import connection, transaction
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
                line = json.dumps(
                    {
                        "id": row.id,
                        **{f: chain._value(row, f) for f in chain.FIELDS},
                        "prev_hash": row.prev_hash,
                        "row_hash": row.row_hash,
                    },
                    ensure_ascii=False,
                    sort_keys=True,
                )
                out.write(line + "\n")
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
