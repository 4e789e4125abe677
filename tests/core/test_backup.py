"""manage.py backup and restore: a backup restored into a fresh database finds every record and every uploaded file."""

import sqlite3

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection

from tests.factories import make_user
from xieshang.accounts.models import Role
from xieshang.audit.services import audit_record
from xieshang.core.backup import table_counts

pytestmark = [
    # Committed data, as the command sees it in production (SQLite's backup waits for an open write transaction).
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite round trip (the PostgreSQL one is below)")
def test_a_backup_restores_into_a_fresh_database_with_every_record(organization, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    people = [make_user(Role.MEMBER, organization) for _ in range(5)]
    audit_record(actor=people[0], action="test.before_backup", organization=organization)
    stored = default_storage.save("materials/协商材料.txt", ContentFile("正文".encode()))
    expected = table_counts()
    assert expected["accounts_user"] == 5 and expected["audit_auditentry"] >= 1

    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=archive)
    fresh, media = tmp_path / "fresh.sqlite3", tmp_path / "restored-media"
    call_command("restore", archive, into=f"sqlite:///{fresh}", media_root=media)

    restored = sqlite3.connect(fresh)
    for table, count in expected.items():
        assert restored.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] == count, table  # noqa: S608
    usernames = {row[0] for row in restored.execute("SELECT username FROM accounts_user")}
    assert usernames == {p.username for p in people}
    assert (media / stored).read_text(encoding="utf-8") == "正文"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL round trip (pg_dump / pg_restore)")
def test_a_postgresql_backup_restores_into_a_fresh_database_with_every_record(organization, tmp_path, settings):
    """pg_dump of the test database, pg_restore into a database created for the test on the same server (never the
    configured one), every table's rows and the uploaded files found there; the fresh database is dropped after."""
    import os

    import psycopg

    settings.MEDIA_ROOT = tmp_path / "media"
    people = [make_user(Role.MEMBER, organization) for _ in range(5)]
    audit_record(actor=people[0], action="test.before_backup", organization=organization)
    stored = default_storage.save("materials/协商材料.txt", ContentFile("正文".encode()))
    expected = table_counts()
    assert expected["accounts_user"] == 5 and expected["audit_auditentry"] >= 1

    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=archive)
    db = connection.settings_dict
    fresh = f"xieshang_restore_{os.getpid()}"
    server = {"host": db.get("HOST") or None, "port": db.get("PORT") or None, "user": db.get("USER") or None}
    server = {k: v for k, v in server.items() if v}
    if db.get("PASSWORD"):
        server["password"] = db["PASSWORD"]
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{fresh}"')
        admin.execute(f'CREATE DATABASE "{fresh}"')
    try:
        auth = f"{db.get('USER') or ''}{':' + db['PASSWORD'] if db.get('PASSWORD') else ''}@"
        where = f"{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}"
        url = f"postgres://{auth if db.get('USER') else ''}{where}/{fresh}"
        media = tmp_path / "restored-media"
        call_command("restore", archive, into=url, media_root=media)
        with psycopg.connect(dbname=fresh, **server) as restored:
            for table, count in expected.items():
                found = restored.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]  # noqa: S608
                assert found == count, table
            usernames = {row[0] for row in restored.execute("SELECT username FROM accounts_user")}
        assert usernames == {p.username for p in people}
        assert (media / stored).read_text(encoding="utf-8") == "正文"
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')
