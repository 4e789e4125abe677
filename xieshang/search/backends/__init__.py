"""Full-text back-ends: the same question, asked of SQLite FTS5 or of PostgreSQL's tsvector."""

from __future__ import annotations

from django.db import connection

from .base import Backend, RankedPage


def get_backend(conn=None) -> Backend:
    conn = conn or connection
    if conn.vendor == "postgresql":
        from .postgres import PostgresBackend

        return PostgresBackend(conn)
    if conn.vendor == "sqlite":
        from .sqlite_fts5 import SqliteFts5Backend

        return SqliteFts5Backend(conn)
    raise NotImplementedError(f"no full-text back-end for {conn.vendor}")


__all__ = ["Backend", "RankedPage", "get_backend"]
