"""PostgreSQL: the audit table belongs to a role of its own; the application's role may read and append, no more."""

import pytest
from django.db import DatabaseError, connection, transaction

from xieshang.audit import guard
from xieshang.audit.models import AuditEntry
from xieshang.audit.services import audit_record

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="database roles are PostgreSQL's"),
]


def test_the_app_role_cannot_change_disable_or_drop(organization):
    audit_record(actor=None, action="before", organization=organization)
    owner, app = f"{connection.settings_dict['NAME']}_audit_owner", f"{connection.settings_dict['NAME']}_app"
    with connection.cursor() as cursor:
        # Roles are created inside the test's transaction, which rolls back with everything else.
        cursor.execute(f'CREATE ROLE "{app}" NOLOGIN')
        cursor.execute(f'GRANT USAGE ON SCHEMA public TO "{app}"')
    guard.apply_ownership(connection, owner, app)
    with connection.cursor() as cursor:
        cursor.execute(f'SET ROLE "{app}"')
    try:
        audit_record(actor=None, action="as app", organization=organization)  # append and read: allowed
        for sql in (
            "UPDATE audit_auditentry SET action = 'x'",
            "DELETE FROM audit_auditentry",
            "TRUNCATE audit_auditentry",
            "ALTER TABLE audit_auditentry DISABLE TRIGGER ALL",
            "DROP TABLE audit_auditentry",
        ):
            with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True)) == ["before", "as app"]
