#!/usr/bin/env python3
"""The platform on several machines, on one: every process of the production topology on loopback ports of its own
(docs/deployment.md, decision 0042).

    scripts/cluster.py start      # PostgreSQL primary + streaming replica (pg_basebackup), a PgBouncer in front of
                                  # each, Redis, two gunicorn app servers (DEBUG off), uvicorn for the live stream,
                                  # nginx balancing them, two task workers; migrations once, on the primary
    scripts/cluster.py status     # each process, its pid and port
    scripts/cluster.py stop       # everything, cleanly (start again later: the data is kept)
    scripts/cluster.py env        # the app servers' environment, as shell exports
    scripts/cluster.py manage ... # manage.py with that environment (e.g. `manage shell -c ...`)
    scripts/cluster.py stop worker1 / start worker1 / kill worker1   # one process (kill: SIGKILL)
    scripts/cluster.py destroy    # stop and remove the directory

Everything lives in var/cluster (CLUSTER_DIR) and listens on 127.0.0.1 from port 15400 (CLUSTER_PORT): the shared
PostgreSQL (5432) and Redis (6379) are never touched. PostgreSQL and PgBouncer refuse to run as root: as root they
run as the `postgres` user. `--record DIR` gives the task workers and app servers the fault tests' recording SMS
gateway and mail backend (tests/faults/recorders.py), writing to DIR."""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
NGINX = os.environ.get("NGINX", shutil.which("nginx") or "/usr/sbin/nginx")
PGBOUNCER = os.environ.get("PGBOUNCER", shutil.which("pgbouncer") or "/usr/sbin/pgbouncer")
REDIS = os.environ.get("REDIS_SERVER", shutil.which("redis-server") or "/usr/bin/redis-server")
PYTHON = sys.executable
DBNAME = "xieshang"
AS_ROOT = os.geteuid() == 0


@dataclass(frozen=True)
class Layout:
    dir: Path
    base: int

    @property
    def ports(self) -> dict[str, int]:
        b = self.base
        return {
            "primary": b,
            "replica": b + 1,
            "pgbouncer": b + 2,
            "pgbouncer-replica": b + 3,
            "redis": b + 4,
            "app1": b + 10,
            "app2": b + 11,
            "live": b + 12,
            "nginx": b + 20,
        }

    def path(self, *parts: str) -> Path:
        return self.dir.joinpath(*parts)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.ports['nginx']}"

    def direct_url(self, which: str = "primary") -> str:
        return f"postgres://postgres@127.0.0.1:{self.ports[which]}/{DBNAME}"


def layout() -> Layout:
    directory = Path(os.environ.get("CLUSTER_DIR", ROOT / "var" / "cluster")).resolve()
    return Layout(directory, int(os.environ.get("CLUSTER_PORT", "15400")))


# ---------------------------------------------------------------------------------------------------------- helpers


def _as_postgres() -> dict:
    return {"user": "postgres", "group": "postgres", "extra_groups": []} if AS_ROOT else {}


def _own_by_postgres(path: Path) -> None:
    if AS_ROOT:
        shutil.chown(path, "postgres", "postgres")


def _reachable_by_others(path: Path) -> bool:
    """Can another user (postgres) reach `path`? Every folder above it must let others through."""
    return all(parent.stat().st_mode & 0o001 for parent in [path, *path.parents] if parent.exists())


def pg_home(lay: Layout) -> Path:
    """Where PostgreSQL's and PgBouncer's files go: in the cluster's directory, unless (as root) the user postgres
    cannot reach it, e.g. a checkout under /root: then in /var/tmp, in a folder named after the cluster's directory."""
    if not AS_ROOT or _reachable_by_others(lay.dir):
        return lay.dir
    name = f"xieshang-cluster-{hashlib.sha1(str(lay.dir).encode()).hexdigest()[:10]}"  # noqa: S324 - a name
    home = Path("/var/tmp") / name  # noqa: S108 - the user postgres must reach it
    home.mkdir(mode=0o755, exist_ok=True)
    return home


def pg_dirs(lay: Layout) -> None:
    """The folders the user postgres writes in besides its data: its sockets and its logs (sticky, writable)."""
    for sub in ("run", "log"):
        folder = pg_home(lay) / sub
        folder.mkdir(parents=True, exist_ok=True)
        folder.chmod(0o1777)


def run_pg(*command: str, timeout: float = 300) -> None:
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd="/", **_as_postgres())  # noqa: S603
    if result.returncode:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")


def port_open(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def wait_for(what: str, check, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            if check():
                return
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not come up within {timeout:.0f} s")


def http_ok(url: str) -> bool:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback
        return response.status == 200


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    with contextlib.suppress(OSError):
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        return state != "Z"
    return True


def cmdline(pid: int) -> str:
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    return ""


# ------------------------------------------------------------------------------------------------------ environment


def secret(lay: Layout) -> str:
    path = lay.path("secret_key")
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def app_env(lay: Layout, *, direct: bool = False, record: str | None = None) -> dict[str, str]:
    """Production settings (DEBUG off) through the environment, as docs/deployment.md lists them; TLS is nginx's
    business in production, so here (plain HTTP on loopback) the secure-cookie and redirect settings are off."""
    p = lay.ports
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "XIESHANG_", "DATABASE_", "DB_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="xieshang.settings",
        DEBUG="0",
        SECRET_KEY=secret(lay),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        CSRF_TRUSTED_ORIGINS=f"{lay.url},http://localhost:{p['nginx']}",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        SECURE_HSTS_SECONDS="0",
        REDIS_URL=f"redis://127.0.0.1:{p['redis']}/0",
        XIESHANG_VAR_DIR=str(lay.path("app")),
        MEDIA_ROOT=str(lay.path("media")),
        STATIC_ROOT=str(lay.path("static")),
        SITE_URL=lay.url,
        TASK_LEASE_SECONDS=os.environ.get("TASK_LEASE_SECONDS", "8"),
        XIESHANG_READ_YOUR_WRITES_SECONDS=os.environ.get("XIESHANG_READ_YOUR_WRITES_SECONDS", "10"),
        PYTHONUNBUFFERED="1",
        LOG_LEVEL="WARNING",
    )
    if direct:  # migrations and administration: the primary itself, no pooler, no replica
        env["DATABASE_URL"] = lay.direct_url("primary")
    else:
        env.update(
            DATABASE_URL=f"postgres://postgres@127.0.0.1:{p['pgbouncer']}/{DBNAME}",
            DATABASE_REPLICA_URL=f"postgres://postgres@127.0.0.1:{p['pgbouncer-replica']}/{DBNAME}",
            DB_PGBOUNCER="1",
        )
    # Mail: printed in the workers' logs (production names its SMTP server); SMS: the log gateway unless recorded.
    env.setdefault("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
    record = record or _recorded(lay)
    if record:
        env.update(
            SMS_GATEWAY="tests.faults.recorders.RecordingGateway",
            EMAIL_BACKEND="tests.faults.recorders.RecordingEmailBackend",
            FAULTS_OUT=record,
        )
    return env


def _recorded(lay: Layout) -> str | None:
    path = lay.path("record")
    return path.read_text().strip() if path.exists() else None


# -------------------------------------------------------------------------------------------------------- PostgreSQL


def pg_options(lay: Layout, which: str) -> str:
    sockets = pg_home(lay) / "run"
    return (
        f"-p {lay.ports[which]} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c max_connections=100 -c shared_buffers=128MB -c wal_level=replica -c max_wal_senders=5 "
        "-c hot_standby=on -c hot_standby_feedback=on"
    )


def pg_ctl(lay: Layout, which: str, action: str, *extra: str) -> None:
    data = pg_home(lay) / f"pg-{which}"
    log = pg_home(lay) / "log" / f"postgres-{which}.log"
    run_pg(str(PG_BIN / "pg_ctl"), "-D", str(data), "-o", pg_options(lay, which), "-l", str(log), "-w", *extra, action)


def pg_running(lay: Layout, which: str) -> bool:
    pidfile = pg_home(lay) / f"pg-{which}" / "postmaster.pid"
    if not pidfile.exists():
        return False
    pid = int(pidfile.read_text().split()[0])
    return pid_alive(pid) and "postgres" in cmdline(pid)


def psql(lay: Layout, which: str, sql: str, db: str = "postgres") -> str:
    result = subprocess.run(  # noqa: S603
        [str(PG_BIN / "psql"), "-h", "127.0.0.1", "-p", str(lay.ports[which]), "-U", "postgres", "-d", db,
         "-tAc", sql],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    return result.stdout.strip()


def start_postgres(lay: Layout) -> None:
    primary, replica = pg_home(lay) / "pg-primary", pg_home(lay) / "pg-replica"
    if not (primary / "PG_VERSION").exists():
        print("initdb: the primary")
        primary.mkdir(mode=0o700, exist_ok=True)
        _own_by_postgres(primary)
        run_pg(str(PG_BIN / "initdb"), "-D", str(primary), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8")
    if not pg_running(lay, "primary"):
        pg_ctl(lay, "primary", "start")
    psql_ok = psql(lay, "primary", f"SELECT 1 FROM pg_database WHERE datname = '{DBNAME}'")  # noqa: S608
    if not psql_ok:
        psql(lay, "primary", f"CREATE DATABASE {DBNAME}")
        # Every client uses UTC: Django then needs no SET TIME ZONE, a session setting PgBouncer could not keep.
        psql(lay, "primary", f"ALTER DATABASE {DBNAME} SET timezone TO 'UTC'")
    if not (replica / "PG_VERSION").exists():
        print("pg_basebackup: the replica")
        replica.mkdir(mode=0o700, exist_ok=True)
        _own_by_postgres(replica)
        run_pg(
            str(PG_BIN / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(lay.ports["primary"]), "-U", "postgres",
            "-D", str(replica), "-R", "-X", "stream", "-c", "fast",
        )  # fmt: skip
    if not pg_running(lay, "replica"):
        pg_ctl(lay, "replica", "start")
    wait_for("the replica's recovery", lambda: psql(lay, "replica", "SELECT pg_is_in_recovery()") == "t")


def stop_postgres(lay: Layout) -> None:
    for which in ("replica", "primary"):
        if pg_running(lay, which):
            pg_ctl(lay, which, "stop", "-m", "fast")


# --------------------------------------------------------------------------------------------------- the processes


def pgbouncer_ini(lay: Layout, name: str, target: str) -> Path:
    directory = pg_home(lay) / name
    directory.mkdir(exist_ok=True)
    _own_by_postgres(directory)
    (directory / "userlist.txt").write_text('"postgres" ""\n')
    ini = directory / "pgbouncer.ini"
    ini.write_text(
        f"""[databases]
{DBNAME} = host=127.0.0.1 port={lay.ports[target]} dbname={DBNAME}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {lay.ports[name]}
unix_socket_dir =
auth_type = trust
auth_file = {directory / "userlist.txt"}
admin_users = postgres
pool_mode = transaction
max_client_conn = 1000
default_pool_size = 20
reserve_pool_size = 5
server_reset_query =
ignore_startup_parameters = extra_float_digits,options
logfile = {pg_home(lay) / "log" / f"{name}-own.log"}
"""
    )
    return ini


def nginx_conf(lay: Layout, apps: list[str]) -> Path:
    directory = lay.path("nginx")
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (directory / sub).mkdir(parents=True, exist_ok=True)
        (directory / sub).chmod(0o1777)
    p = lay.ports
    upstreams = "\n".join(f"        server 127.0.0.1:{p[name]} max_fails=1 fail_timeout=2s;" for name in apps)
    user = "user nobody nogroup;\n" if AS_ROOT else ""
    conf = directory / "nginx.conf"
    conf.write_text(
        f"""{user}worker_processes 1;
daemon off;
pid {directory / "nginx.pid"};
error_log {lay.path("log", "nginx-error.log")} warn;
events {{ worker_connections 1024; }}
http {{
    access_log {lay.path("log", "nginx-access.log")};
    client_body_temp_path {directory / "body"};
    proxy_temp_path {directory / "proxy"};
    fastcgi_temp_path {directory / "fastcgi"};
    uwsgi_temp_path {directory / "uwsgi"};
    scgi_temp_path {directory / "scgi"};
    # The same as XIESHANG_MAX_UPLOAD_BYTES (docs/security.md).
    client_max_body_size 50m;
    upstream app {{
{upstreams}
        keepalive 32;
    }}
    upstream live {{
        server 127.0.0.1:{p["live"]};
    }}
    server {{
        listen 127.0.0.1:{p["nginx"]};
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $http_host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Real-IP $remote_addr;
        proxy_set_header X-Forwarded-Proto $scheme;
        # The live stream (Server-Sent Events, decision 0039) on the ASGI server, unbuffered.
        location ~ ^/consultations/\\d+/live/stream/$ {{
            proxy_pass http://live;
            proxy_buffering off;
            proxy_read_timeout 60s;
        }}
        location / {{
            proxy_pass http://app;
            proxy_next_upstream error timeout http_502;
        }}
    }}
}}
"""
    )
    return conf


def commands(lay: Layout) -> dict[str, list[str]]:
    p = lay.ports
    bin_dir = Path(PYTHON).parent
    gunicorn = [str(bin_dir / "gunicorn"), "xieshang.wsgi", "--workers", os.environ.get("CLUSTER_APP_WORKERS", "2"),
                "--threads", os.environ.get("CLUSTER_APP_THREADS", "4"), "--timeout", "30", "--graceful-timeout", "10",
                "--no-control-socket"]  # fmt: skip
    worker = [PYTHON, "manage.py", "task_worker", "--no-reload", "--queue-name", "*", "--interval", "0.1"]
    return {
        "redis": [
            REDIS,
            "--port",
            str(p["redis"]),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(lay.path("redis")),
            "--unixsocket",
            "",
            "--protected-mode",
            "yes",
        ],  # fmt: skip
        "pgbouncer": [PGBOUNCER, str(pg_home(lay) / "pgbouncer" / "pgbouncer.ini")],
        "pgbouncer-replica": [PGBOUNCER, str(pg_home(lay) / "pgbouncer-replica" / "pgbouncer.ini")],
        "app1": [*gunicorn, "--bind", f"127.0.0.1:{p['app1']}"],
        "app2": [*gunicorn, "--bind", f"127.0.0.1:{p['app2']}"],
        "live": [
            str(bin_dir / "uvicorn"),
            "xieshang.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(p["live"]),
            "--workers",
            "1",
            "--no-access-log",
        ],  # fmt: skip
        "nginx": [
            NGINX,
            "-p",
            str(lay.path("nginx")),
            "-c",
            str(lay.path("nginx", "nginx.conf")),
            "-e",
            str(lay.path("log", "nginx-error.log")),
        ],  # fmt: skip
        "worker1": worker,
        "worker2": worker,
    }


MARKERS = {"redis": "redis-server", "pgbouncer": "pgbouncer", "app": "gunicorn", "live": "uvicorn", "nginx": "nginx",
           "worker": "task_worker"}  # fmt: skip
ORDER = ["redis", "pgbouncer", "pgbouncer-replica", "app1", "app2", "live", "nginx", "worker1", "worker2"]


def pidfile(lay: Layout, name: str) -> Path:
    return lay.path("run", f"{name}.pid")


def running_pid(lay: Layout, name: str) -> int | None:
    path = pidfile(lay, name)
    if not path.exists():
        return None
    pid = int(path.read_text().strip() or 0)
    if pid and pid_alive(pid) and MARKERS[name.rstrip("12").removesuffix("-replica")] in cmdline(pid):
        return pid  # ours (not another process that got the number since)
    return None


def spawn(lay: Layout, name: str) -> int:
    if (pid := running_pid(lay, name)) is not None:
        return pid
    if name in lay.ports and port_open(lay.ports[name]):
        raise RuntimeError(f"port {lay.ports[name]} ({name}) is taken by another program: set CLUSTER_PORT")
    command = commands(lay)[name]
    env = app_env(lay) if name.startswith(("app", "live", "worker")) else dict(os.environ)
    extra = _as_postgres() if name.startswith("pgbouncer") else {}
    with open(lay.path("log", f"{name}.log"), "ab") as log:
        process = subprocess.Popen(  # noqa: S603
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True, **extra,
        )  # fmt: skip
    pidfile(lay, name).write_text(str(process.pid))
    return process.pid


def ready(lay: Layout, name: str) -> None:
    p = lay.ports
    if name in ("app1", "app2", "nginx"):
        wait_for(name, lambda: http_ok(f"http://127.0.0.1:{p[name]}/healthz"), timeout=120)
    elif name in p:
        wait_for(name, lambda: port_open(p[name]), timeout=60)
    else:
        time.sleep(0.5)
        if running_pid(lay, name) is None:
            raise RuntimeError(f"{name} stopped at once: see {lay.path('log', name + '.log')}")


def stop_one(lay: Layout, name: str, sig: int = signal.SIGTERM, timeout: float = 20) -> None:
    pid = running_pid(lay, name)
    if pid is not None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)
        deadline = time.monotonic() + timeout
        while pid_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if pid_alive(pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    pidfile(lay, name).unlink(missing_ok=True)


# --------------------------------------------------------------------------------------------------------- commands


def manage(lay: Layout, *args: str, direct: bool = False, check: bool = True, capture: bool = False):
    return subprocess.run(  # noqa: S603
        [PYTHON, "manage.py", *args], cwd=ROOT, env=app_env(lay, direct=direct), check=check,
        capture_output=capture, text=True,
    )  # fmt: skip


def collectstatic_needed(lay: Layout) -> bool:
    manifest = lay.path("static", "staticfiles.json")
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    return any(f.stat().st_mtime > built for f in (ROOT / "xieshang").rglob("static/**/*") if f.is_file())


def start(lay: Layout, record: str | None = None) -> None:
    if not lay.path("run").exists():
        for sub in ("run", "log", "redis", "media", "app"):
            lay.path(sub).mkdir(parents=True, exist_ok=True)
    for sub in ("run", "log"):
        lay.path(sub).mkdir(parents=True, exist_ok=True)
        lay.path(sub).chmod(0o1777)
    if record is not None:
        lay.path("record").write_text(record)
    elif lay.path("record").exists():
        lay.path("record").unlink()
    pg_dirs(lay)
    started = time.monotonic()
    spawn(lay, "redis")
    ready(lay, "redis")
    start_postgres(lay)
    print("migrate (once, on the primary)")
    manage(lay, "migrate", "--noinput", "-v0", direct=True)
    if collectstatic_needed(lay):
        print("collectstatic")
        manage(lay, "collectstatic", "--noinput", "-v0", direct=True)
    pgbouncer_ini(lay, "pgbouncer", "primary")
    pgbouncer_ini(lay, "pgbouncer-replica", "replica")
    nginx_conf(lay, ["app1", "app2"])
    for name in ORDER:
        spawn(lay, name)
    for name in ORDER:
        ready(lay, name)
    print(f"cluster up in {time.monotonic() - started:.0f} s: {lay.url}  ({lay.dir})")
    status(lay)


def stop(lay: Layout) -> None:
    for name in reversed(ORDER):
        stop_one(lay, name)
    stop_postgres(lay)
    print("cluster stopped")


def status(lay: Layout) -> int:
    down = 0
    for name in ["primary", "replica"]:
        alive = pg_running(lay, name)
        down += not alive
        print(f"  postgres-{name:<18} {'up' if alive else 'down':<5} port {lay.ports[name]}")
    for name in ORDER:
        pid = running_pid(lay, name)
        down += pid is None
        port = f"port {lay.ports[name]}" if name in lay.ports else ""
        print(f"  {name:<27} {'up' if pid else 'down':<5} {port} {f'pid {pid}' if pid else ''}")
    return down


def main(argv: list[str] | None = None) -> int:  # noqa: C901 - one branch per action
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=["start", "stop", "restart", "status", "env", "manage", "kill", "destroy",
                                           "ports"])  # fmt: skip
    parser.add_argument("rest", nargs="*", help="process names (start, stop, kill); manage.py's arguments (manage)")
    parser.add_argument("--record", help="recording SMS gateway and mail backend, writing to this directory")
    argv = sys.argv[1:] if argv is None else argv
    lay = layout()
    lay.dir.mkdir(parents=True, exist_ok=True)
    if argv[:1] == ["manage"]:  # everything after it is manage.py's
        return manage(lay, *argv[1:], check=False).returncode
    args = parser.parse_args(argv)
    names = [n for n in args.rest if n in ORDER]
    if args.action == "start" and names:
        for name in names:
            spawn(lay, name)
            ready(lay, name)
    elif args.action == "start":
        start(lay, args.record)
    elif args.action == "stop" and names:
        for name in names:
            stop_one(lay, name)
    elif args.action == "kill":
        for name in names:
            stop_one(lay, name, signal.SIGKILL)
    elif args.action == "stop":
        stop(lay)
    elif args.action == "restart":
        stop(lay)
        start(lay, args.record)
    elif args.action == "status":
        return 1 if status(lay) else 0
    elif args.action == "env":
        for key, value in sorted(app_env(lay).items()):
            if key.startswith(("DJANGO_", "DEBUG", "SECRET_", "ALLOWED_", "CSRF_", "SECURE_", "SESSION_", "REDIS_",
                               "XIESHANG_", "MEDIA_", "STATIC_", "SITE_", "TASK_", "DATABASE", "DB_")):  # fmt: skip
                print(f"export {key}={json.dumps(value)}")
    elif args.action == "ports":
        print(json.dumps({**lay.ports, "url": lay.url, "dir": str(lay.dir)}))
    elif args.action == "destroy":
        stop(lay)
        if pg_home(lay) != lay.dir:
            shutil.rmtree(pg_home(lay), ignore_errors=True)
        shutil.rmtree(lay.dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
