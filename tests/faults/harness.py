"""What the fault tests share: a database other processes can see, starting the project's processes, printing
results as one JSON line each (`make faults` collects them in $FAULTS_JSONL)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
RESULTS: list[str] = []  # shown at the end of the run (conftest.py)


def tasks_count(default: int) -> int:
    return int(os.environ.get("FAULTS_TASKS", default))


def report(result: dict) -> None:
    line = json.dumps(result, ensure_ascii=False)
    RESULTS.append(line)
    print(line)
    sys.stdout.flush()
    target = os.environ.get("FAULTS_JSONL")
    if target:
        with open(target, "a") as out:
            out.write(line + "\n")


def database_url(settings_dict: dict) -> str:
    user = quote(settings_dict.get("USER") or "")
    password = settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{quote(password)}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or "5432"
    return f"postgres://{auth}{host}:{port}/{settings_dict['NAME']}"


@contextmanager
def shared_database(tmp_path: Path) -> Iterator[str]:
    """A DATABASE_URL for child processes holding this test's committed rows (transactional_db); when the block
    ends, this process sees what the children wrote. PostgreSQL: the test database itself. SQLite: the test
    database lives in memory, so it is copied to a file for the children and copied back at the end."""
    if connection.vendor == "postgresql":
        yield database_url(connection.settings_dict)
        return
    connection.ensure_connection()
    path = tmp_path / "faults.sqlite3"
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    try:
        yield f"sqlite:///{path}"
    finally:
        source = sqlite3.connect(path)
        source.backup(connection.connection)
        source.close()


def child_env(database: str, out: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="tests.faults.settings",
        DATABASE_URL=database,
        FAULTS_OUT=str(out),
        XIESHANG_DEV="1",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen:
    command = [
        sys.executable,
        "manage.py",
        "task_worker",
        "--no-reload",
        "--queue-name",
        "*",
        "--interval",
        "0.05",
        "--no-startup-delay",
    ]
    with open(log, "a") as out:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603


def kill(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            kill(process)


def wait_until(predicate, timeout: float, every: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(every)
    return predicate()
