"""PostgreSQL restarted under load: requests in flight fail cleanly (503, never a 500), the application reconnects by
itself (CONN_HEALTH_CHECKS), and no write is half done.

The test starts a PostgreSQL instance of its own (initdb and pg_ctl in a temporary directory, another port; never
the shared server), copies the test database's schema into it, and runs the application in gunicorn on it. Eight
clients request registration codes (each one writes the code, its SMS and the SMS's task in one transaction) while
the instance is restarted. Then every answer is compared with what is stored."""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from django.db import connection

from tests.faults import harness

pytestmark = [pytest.mark.faults, pytest.mark.django_db]

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
CLIENTS = 8
FLOWING = 40  # answered writes before the restart, and again after it


def _free_port(preferred: int) -> int:
    for port in (preferred, 0):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return probe.getsockname()[1]
    raise RuntimeError("no free port")


def _as_postgres(*command: str) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)


class OwnPostgres:
    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="xieshang-faults-pg-"))
        self.data = self.dir / "data"
        self.port = _free_port(5440)
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")

    def run(self, *command: str) -> None:
        subprocess.run(_as_postgres(*command), check=True, capture_output=True, timeout=120)  # noqa: S603

    def init(self) -> None:
        self.run(str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")

    def ctl(self, action: str, *extra: str) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.dir / "server.log")
        self.run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", log, "-w", *extra, action)

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.ctl("stop", "-m", "immediate")
        shutil.rmtree(self.dir, ignore_errors=True)


class Load:
    """Clients requesting registration codes, each phone once; every answer kept."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.answers: list[tuple[str, int, bool, float]] = []  # phone, status (0: no answer), sent, time
        self.stop = threading.Event()
        self._seq = 0
        self._lock = threading.Lock()

    def sent(self) -> int:
        return sum(1 for answer in list(self.answers) if answer[2])

    def _phone(self) -> str:
        with self._lock:
            self._seq += 1
            return f"135{self._seq:08d}"

    def _client(self) -> None:
        token = ""
        while not self.stop.is_set():
            phone = self._phone()
            status, sent = 0, False
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                if not token:
                    conn.request("GET", "/accounts/register/")
                    answer = conn.getresponse()
                    answer.read()
                    found = re.search(r"csrftoken=([^;]+)", answer.getheader("Set-Cookie") or "")
                    token = found.group(1) if found else ""
                conn.request(
                    "POST",
                    "/accounts/register/code/",
                    body=f"phone={phone}",
                    headers={
                        "Content-Type": "application/x-www-form-urlencoded",
                        "Cookie": f"csrftoken={token}",
                        "X-CSRFToken": token,
                        "HX-Request": "true",
                    },
                )
                answer = conn.getresponse()
                status = answer.status
                sent = "验证码已发送" in answer.read().decode()
                conn.close()
            except OSError:
                token = ""
            self.answers.append((phone, status, sent, time.monotonic()))
            if not status:
                time.sleep(0.1)

    def start(self) -> list[threading.Thread]:
        threads = [threading.Thread(target=self._client, daemon=True) for _ in range(CLIENTS)]
        for thread in threads:
            thread.start()
        return threads


def _stored(url: str) -> tuple[set[str], set[str], set[str]]:
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://")) as db:
        codes = {row[0] for row in db.execute("SELECT phone FROM accounts_smscode")}
        messages = dict(db.execute("SELECT id, phone FROM notifications_smsmessage").fetchall())
        tasks = {
            row[0]["args"][0]
            for row in db.execute("SELECT args_kwargs FROM django_tasks_database_dbtaskresult").fetchall()
        }
    with_task = {phone for pk, phone in messages.items() if pk in tasks}
    return codes, set(messages.values()), with_task


@pytest.mark.skipif(not (PG_BIN / "initdb").exists(), reason="needs PostgreSQL's initdb and pg_ctl")
def test_db_restart(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("restarts a PostgreSQL instance: runs on the PostgreSQL test run")
    started = time.monotonic()
    pg = OwnPostgres()
    server = None
    try:
        pg.init()
        pg.ctl("start")
        pg.run(str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(pg.port), "-U", "postgres", "faults")
        source = harness.database_url(connection.settings_dict)
        schema = subprocess.run(  # noqa: S603
            ["pg_dump", "--schema-only", "--no-owner", "--no-privileges", source],  # noqa: S607
            check=True,
            capture_output=True,
            timeout=120,
        ).stdout
        subprocess.run(  # noqa: S603
            ["psql", "-q", "-v", "ON_ERROR_STOP=1", pg.url("faults")],  # noqa: S607
            input=schema,
            check=True,
            capture_output=True,
            timeout=120,
        )
        port = _free_port(8391)
        env = harness.child_env(pg.url("faults"), tmp_path, REDIS_URL="", DB_CONN_MAX_AGE="60")
        server = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "gunicorn", "xieshang.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2", "--threads", "4"],
            cwd=harness.ROOT,
            env=env,
            stdout=open(tmp_path / "server.log", "w"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
        )

        def ready() -> bool:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/healthz")
                return conn.getresponse().status == 200
            except OSError:
                return False

        assert harness.wait_until(ready, timeout=120), (tmp_path / "server.log").read_text()[-2000:]
        load = Load(port)
        threads = load.start()
        # Restart once writes are flowing, and keep the load on until as many went through after it.
        harness.wait_until(lambda: load.sent() >= FLOWING, timeout=120)
        restart_at = time.monotonic()
        pg.ctl("restart", "-m", "fast")
        restarted_at = time.monotonic()
        before = load.sent()
        harness.wait_until(lambda: load.sent() >= before + FLOWING, timeout=120)
        load.stop.set()
        for thread in threads:
            thread.join(timeout=15)
        # The database down: /healthz answers 503 for the load balancer.
        pg.ctl("stop", "-m", "fast")
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/healthz")
        down_health = conn.getresponse().status
        pg.ctl("start")
        codes, messages, with_task = _stored(pg.url("faults"))
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=20)
        log = (tmp_path / "server.log").read_text() if (tmp_path / "server.log").exists() else ""
        pg.remove()
    answers = load.answers
    sent = {phone for phone, _status, ok, _t in answers if ok}
    statuses = [status for _phone, status, _ok, _t in answers]
    half_done = len((codes ^ messages) | (messages - with_task))
    result = {
        "test": "db_restart",
        "requests": len(answers),
        "ok": len(sent),
        "failed_clean_503": statuses.count(503),
        "server_errors": sum(1 for s in statuses if s >= 500 and s != 503),
        # No HTTP answer within 30 s (the client gave up or the connection broke), before, around and after it.
        "no_answer": statuses.count(0),
        "no_answer_around_restart": sum(
            1 for _p, s, _ok, t in answers if not s and restart_at - 30 <= t <= restarted_at + 30
        ),
        "ok_after_restart": sum(1 for _p, _s, ok, t in answers if ok and t > restarted_at),
        "lost_writes": len(sent - (codes & messages & with_task)),
        "half_done_writes": half_done,
        "restart_seconds": round(restarted_at - restart_at, 1),
        "healthz_database_down": down_health,
        "seconds": round(time.monotonic() - started, 1),
    }
    harness.report(result)
    assert result["server_errors"] == 0, (result, log[-3000:])
    assert result["lost_writes"] == 0 and result["half_done_writes"] == 0, result
    assert result["ok_after_restart"] > 0, (result, log[-3000:])
    assert down_health == 503, result
