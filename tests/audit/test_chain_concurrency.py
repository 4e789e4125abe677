"""Writers in parallel threads (each its own connection) still leave one unbroken chain per organization."""

import threading

import pytest
from django.db import connection, connections, transaction

from xieshang.audit import chain
from xieshang.audit.models import AuditEntry
from xieshang.audit.services import audit_record

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need a server database"),
]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need a server database")
def test_concurrent_writers_keep_one_chain(organization):
    errors = []

    def write(n):
        try:
            for i in range(n):
                with transaction.atomic():
                    audit_record(actor=None, action=f"thread.{i}", organization=organization)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(25,)) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    checked, broken = chain.verify(AuditEntry)
    assert broken is None and checked == AuditEntry.objects.count() >= 150
