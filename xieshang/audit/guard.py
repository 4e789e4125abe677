"""Database triggers that refuse UPDATE and DELETE on the audit table, whatever code or console tries them."""

TABLE = "audit_auditentry"
MESSAGE = "audit trail is append-only"

SQLITE_INSTALL = [
    f"CREATE TRIGGER IF NOT EXISTS audit_no_{op.lower()} BEFORE {op} ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;"
    for op in ("UPDATE", "DELETE")
]
SQLITE_REMOVE = ["DROP TRIGGER IF EXISTS audit_no_update;", "DROP TRIGGER IF EXISTS audit_no_delete;"]

POSTGRES_INSTALL = [
    f"""CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$ LANGUAGE plpgsql;""",
    f"DROP TRIGGER IF EXISTS audit_no_change ON {TABLE};",
    f"""CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON {TABLE}
FOR EACH ROW EXECUTE FUNCTION audit_append_only();""",
    f"DROP TRIGGER IF EXISTS audit_no_truncate ON {TABLE};",
    f"""CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON {TABLE}
FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();""",
]
POSTGRES_REMOVE = [
    f"DROP TRIGGER IF EXISTS audit_no_change ON {TABLE};",
    f"DROP TRIGGER IF EXISTS audit_no_truncate ON {TABLE};",
]


def statements(vendor: str, install: bool = True) -> list[str]:
    if vendor == "sqlite":
        return SQLITE_INSTALL if install else SQLITE_REMOVE
    if vendor == "postgresql":
        return POSTGRES_INSTALL if install else POSTGRES_REMOVE
    return []


def install(connection) -> None:
    with connection.cursor() as cursor:
        for sql in statements(connection.vendor, True):
            cursor.execute(sql)


def remove(connection) -> None:
    with connection.cursor() as cursor:
        for sql in statements(connection.vendor, False):
            cursor.execute(sql)


def installed(connection) -> bool:
    """Whether the triggers are on the table now (they may be off: tests, or lifted by a migration)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = 'audit_no_delete'")
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT 1 FROM pg_trigger WHERE tgname = 'audit_no_change' AND tgrelid = %s::regclass", [TABLE]
            )
        else:
            return False
        return cursor.fetchone() is not None


def _quote(connection, name: str) -> str:
    return connection.ops.quote_name(name)


def ownership_statements(connection, owner: str, app_role: str) -> list[str]:
    """PostgreSQL: the audit tables (and the guard's function) belong to `owner`, a role that cannot log in; the
    role the application connects as may only read and append. Without ownership it cannot disable the trigger, alter
    or drop the table, and has no UPDATE, DELETE or TRUNCATE privilege to begin with."""
    o, a = _quote(connection, owner), _quote(connection, app_role)
    seq = f"pg_get_serial_sequence('{TABLE}', 'id')"
    return [
        f"""DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{owner}') THEN CREATE ROLE {o} NOLOGIN; END IF;
END $$;""",
        f"ALTER TABLE {TABLE} OWNER TO {o};",
        f"ALTER TABLE audit_auditarchive OWNER TO {o};",
        "ALTER FUNCTION audit_append_only() OWNER TO " + o + ";",
        f"REVOKE ALL ON {TABLE}, audit_auditarchive FROM PUBLIC;",
        f"REVOKE ALL ON {TABLE}, audit_auditarchive FROM {a};",
        f"GRANT SELECT, INSERT ON {TABLE} TO {a};",
        f"GRANT SELECT ON audit_auditarchive TO {a};",
        f"DO $$ BEGIN EXECUTE format('GRANT USAGE, SELECT ON SEQUENCE %s TO {a}', {seq}); END $$;",
    ]


def apply_ownership(connection, owner: str, app_role: str) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        if not statements_installed(cursor):
            for sql in POSTGRES_INSTALL:
                cursor.execute(sql)
        for sql in ownership_statements(connection, owner, app_role):
            cursor.execute(sql)


def statements_installed(cursor) -> bool:
    cursor.execute("SELECT 1 FROM pg_proc WHERE proname = 'audit_append_only'")
    return cursor.fetchone() is not None
