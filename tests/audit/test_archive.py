"""Audit rows past the retention period (never under 183 days) move to an archive file; the chain still verifies."""

import gzip
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from xieshang.audit.integrity import verify_trail
from xieshang.audit.models import AuditArchive, AuditEntry

pytestmark = pytest.mark.django_db


def _row(days_ago, organization, action):
    entry = AuditEntry(at=timezone.now() - timedelta(days=days_ago), organization_id=organization.pk, action=action)
    entry.save()
    return entry


def test_only_rows_past_retention_leave_and_the_rest_still_verify(organization, tmp_path):
    old = [_row(400 - i, organization, f"old.{i}") for i in range(3)]
    recent = [_row(100, organization, "recent"), _row(1, organization, "today")]
    # Asking for 30 days is raised to the 183-day minimum: the 100-day-old row stays.
    call_command("audit_archive", directory=tmp_path, older_than_days=30)
    kept = set(AuditEntry.objects.exclude(action="audit.archived").values_list("pk", flat=True))
    assert kept == {r.pk for r in recent}
    archive = AuditArchive.objects.get()
    assert archive.last_id == old[-1].pk and archive.rows == 3
    with gzip.open(tmp_path / archive.file_name, "rt") as f:
        lines = [json.loads(line) for line in f]
    assert [line["id"] for line in lines] == [r.pk for r in old]
    assert lines[-1]["row_hash"] == old[-1].row_hash
    checked, broken = verify_trail()
    assert broken is None and checked == len(kept) + 1


def test_nothing_young_is_archived(organization, tmp_path):
    _row(10, organization, "young")
    call_command("audit_archive", directory=tmp_path)
    assert not AuditArchive.objects.exists() and AuditEntry.objects.count() == 1
