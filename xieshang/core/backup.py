"""Backup and restore of the whole platform: the database (pg_dump/pg_restore on PostgreSQL, SQLite's online backup
API) and the uploaded files, in one .tar.gz with a manifest of how many rows each table held."""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone


def table_counts(conn: Any = None) -> dict[str, int]:
    """Rows per table of the platform's models (the manifest's record of what a restore must find)."""
    from django.apps import apps

    conn = conn or connection
    counts = {}
    with conn.cursor() as cursor:
        existing = set(conn.introspection.table_names(cursor))
        for model in apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            if table in existing and table not in counts:
                cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - table names from the models
                counts[table] = cursor.fetchone()[0]
    return counts


def _tool(name: str) -> str:
    return shutil.which(name) or name


def _pg_env(db: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _pg_args(db: dict[str, Any]) -> list[str]:
    args = []
    for flag, key in (("-h", "HOST"), ("-p", "PORT"), ("-U", "USER")):
        if db.get(key):
            args += [flag, str(db[key])]
    return args


def backup(output: Path) -> Path:
    """Write the backup archive to `output` (a .tar.gz) and return it."""
    db = connection.settings_dict
    with tempfile.TemporaryDirectory() as work:
        workdir = Path(work)
        if connection.vendor == "sqlite":
            if connection.in_atomic_block:
                # SQLite's backup waits for the source's write transaction to end: from inside one it never would.
                raise RuntimeError("backup() must run outside a transaction on SQLite")
            dump = workdir / "database.sqlite3"
            connection.ensure_connection()
            target = sqlite3.connect(dump)
            with target:
                connection.connection.backup(target)
            target.close()
        elif connection.vendor == "postgresql":
            dump = workdir / "database.dump"
            subprocess.run(  # noqa: S603 - arguments from settings
                [_tool("pg_dump"), "-Fc", "--no-owner", "-f", str(dump), *_pg_args(db), db["NAME"]],
                check=True,
                env=_pg_env(db),
            )
        else:
            raise RuntimeError(f"no backup for {connection.vendor}")
        manifest = {
            "taken_at": timezone.now().isoformat(),
            "vendor": connection.vendor,
            "database": dump.name,
            "tables": table_counts(),
        }
        output.parent.mkdir(parents=True, exist_ok=True)
        with tarfile.open(output, "w:gz") as archive:
            archive.add(dump, arcname=dump.name)
            media = Path(settings.MEDIA_ROOT)
            if media.exists():
                archive.add(media, arcname="media")
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return output


def restore(
    archive_path: Path, *, database: dict[str, Any] | None = None, media_root: Path | None = None
) -> dict[str, Any]:
    """Restore an archive into `database` (settings-style dict; the configured one by default) and `media_root`.
    The target database should be empty (a fresh one); returns the manifest."""
    database = database or connection.settings_dict
    media_root = Path(media_root or settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as work, tarfile.open(archive_path, "r:gz") as archive:
        archive.extractall(work, filter="data")
        workdir = Path(work)
        manifest: dict[str, Any] = json.loads((workdir / "manifest.json").read_text())
        engine = database["ENGINE"]
        if engine.endswith("sqlite3"):
            if manifest["vendor"] != "sqlite":
                raise RuntimeError("a PostgreSQL backup restores into PostgreSQL")
            source = sqlite3.connect(workdir / "database.sqlite3")
            target = sqlite3.connect(database["NAME"])
            with target:
                source.backup(target)
            source.close()
            target.close()
        else:
            if manifest["vendor"] != "postgresql":
                raise RuntimeError("a SQLite backup restores into SQLite")
            subprocess.run(  # noqa: S603 - arguments from settings
                [
                    _tool("pg_restore"),
                    "--no-owner",
                    "--exit-on-error",
                    "-d",
                    database["NAME"],
                    *_pg_args(database),
                    str(workdir / "database.dump"),
                ],
                check=True,
                env=_pg_env(database),
            )
        if (workdir / "media").exists():
            media_root.mkdir(parents=True, exist_ok=True)
            shutil.copytree(workdir / "media", media_root, dirs_exist_ok=True)
    return manifest
