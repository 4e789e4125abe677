"""Audit rows cannot be changed or removed: not by the ORM, not by raw SQL once the database guard is installed."""

import pytest
from django.db import DatabaseError, connection, transaction

from xieshang.audit import guard
from xieshang.audit.models import AppendOnlyError, AuditEntry
from xieshang.audit.services import audit_record


@pytest.fixture
def entry(db):
    return audit_record(actor=None, action="test.recorded", detail={"x": 1})


def test_record_keeps_who_what_object_result_ip_time(member, rf):
    from xieshang.audit.context import current_ip

    token = current_ip.set("10.1.2.3")
    try:
        row = audit_record(actor=member, action="proposal.submitted", obj=member)
    finally:
        current_ip.reset(token)
    assert (row.actor, row.actor_name, row.action, row.object_type, row.result, row.ip_address) == (
        member,
        member.display_name,
        "proposal.submitted",
        "accounts.user",
        "success",
        "10.1.2.3",
    )
    assert row.at is not None


def test_orm_cannot_update_or_delete(entry):
    entry.action = "tampered"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="tampered")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.recorded"


def test_database_guard_refuses_raw_update_and_delete(entry):
    guard.install(connection)
    table = AuditEntry._meta.db_table
    for sql in (f"UPDATE {table} SET action = 'tampered'", f"DELETE FROM {table}"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.recorded"
    # Inserting still works under the guard.
    audit_record(actor=None, action="test.after_guard")
    assert AuditEntry.objects.count() == 2


def test_audit_is_not_in_the_django_admin():
    from django.contrib import admin

    assert AuditEntry not in admin.site._registry


def test_failed_login_is_audited_with_ip(client, member):
    client.post("/accounts/login/", {"username": "member", "password": "wrong"}, REMOTE_ADDR="192.0.2.7")
    row = AuditEntry.objects.get(action="login.failed")
    assert row.ip_address == "192.0.2.7" and row.result == "failure" and row.object_id == str(member.pk)
