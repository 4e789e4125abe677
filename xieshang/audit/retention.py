"""The audit trail in core.partitions: monthly partitions on PostgreSQL; past the security policy's retention (never
under 183 days) a month is archived to a file, its chains checkpointed (AuditArchive) and anchored, then dropped.
Every run of the partition and retention commands is recorded in the trail itself."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import connection

from xieshang.core import partitions

from . import guard, integrity


@contextmanager
def lifted() -> Iterator[None]:
    """The append-only triggers off for the surrounding transaction (the table owner runs the commands)."""
    was = guard.installed(connection)
    guard.remove(connection)
    try:
        yield
    finally:
        if was:
            guard.install(connection)


def archive_directory() -> Path:
    return Path(settings.XIESHANG_AUDIT_ARCHIVE_DIR)


def before_drop(lower: datetime, upper: datetime, partition: partitions.Partition, dry_run: bool) -> dict:
    try:
        return integrity.archive_period(archive_directory(), lower, upper, partition.name, dry_run=dry_run)
    except integrity.ChainWouldBreak as refusal:
        raise partitions.Refused(str(refusal)) from refusal


def sqlite_delete(cutoff: datetime, dry_run: bool) -> int:
    from .models import AuditEntry

    if dry_run:
        return AuditEntry.objects.filter(at__lt=cutoff).count()
    days = integrity.retention_days()
    archive = integrity.archive_before(archive_directory(), older_than_days=days)
    return 0 if archive is None else sum(a.rows for a in type(archive).objects.filter(file_name=archive.file_name))


def record(action: str, detail: dict) -> None:
    from .services import audit_record

    audit_record(actor=None, action=action, detail=detail)


def register() -> None:
    partitions.register(
        partitions.Table(
            model="audit.AuditEntry",
            column="at",
            interval=partitions.MONTH,
            days=integrity.retention_days,
            guard=lifted,
            before_drop=before_drop,
            sqlite_delete=sqlite_delete,
            key="audit",
        )
    )
    partitions.register_recorder(record)
