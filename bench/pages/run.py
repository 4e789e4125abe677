"""Page benchmark: whole HTTP requests through gunicorn (2 workers × 4 threads, DEBUG off) on PostgreSQL + Redis,
loaded by wrk with 8 connections on the loopback, each page beside the framework's floor (shared/perf/floor: a bare
Django project serving a page of the same byte size from one query) measured in the same run, back to back.

    make bench-pages                 # SCALE=small: ~5,000 proposals, about a minute once the data is built
    make bench-pages SCALE=full      # 100,000 proposals, ~160,000 search documents; builds for a long while once

Prints one JSON line per page: {"page","rps","p50_ms","p95_ms","bytes","queries","floor_rps","ratio"}
(ratio = floor req/s ÷ the page's req/s: 1 is the framework's floor, 3 the target). The pages are in pages.py.
The data is built once per database (build.py) and reused by later runs."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))
SCALES = {  # proposals, wrk seconds per measurement, warm-up seconds, pairs (floor, page) per page
    "ci": (1500, 3, 2, 1),
    "small": (5000, 5, 3, 1),
    "full": (100_000, 20, 3, 2),
}
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xieshang.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-the-public-development-key")
PRODUCTION_LIKE = {  # as in production (DEBUG off), over plain HTTP on the loopback
    "DEBUG": "0",
    "STATIC_ROOT": "/tmp/xieshang-bench-pages-static",
    "ALLOWED_HOSTS": "127.0.0.1,testserver",
    "SECURE_SSL_REDIRECT": "0",
    "SESSION_COOKIE_SECURE": "0",
    "CSRF_COOKIE_SECURE": "0",
}
for _name, _value in PRODUCTION_LIKE.items():
    os.environ[_name] = _value
os.environ.pop("XIESHANG_DEV", None)
FLOOR = Path(os.environ.get("XIESHANG_FLOOR", "/work/shared/perf/floor"))
WRK = shutil.which("wrk") or "/usr/bin/wrk"
FLOOR_DETAIL = "/ideas/1/"  # the floor's first idea, read when it starts


def ensure_database(url: str) -> None:
    """CREATE DATABASE when the benchmark's database is missing (its name is the last part of the URL)."""
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def wait_listening(port: int, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server on {port} exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


def gunicorn(cwd: Path, app: str, port: int, env: dict) -> subprocess.Popen:
    command = [str(ROOT / ".venv/bin/gunicorn"), app, "-w", "2", "-k", "gthread", "--threads", "4",
               "-b", f"127.0.0.1:{port}", "--log-level", "warning", "--timeout", "60"]  # fmt: skip
    return subprocess.Popen(command, cwd=cwd, env=env)


def serve_floor(port: int, database: str) -> subprocess.Popen:
    env = {**os.environ, "BENCH_DB": database, "DJANGO_SETTINGS_MODULE": "settings"}
    python = str(ROOT / ".venv/bin/python")
    subprocess.run([python, "manage.py", "migrate", "-v", "0"], cwd=FLOOR, env=env, check=True)
    check = (
        "from floorapp.models import Idea; "
        "print('IDEAS', Idea.objects.count(), min(Idea.objects.values_list('id', flat=True), default=0))"
    )
    ask = [python, "manage.py", "shell", "-c", check]
    out = subprocess.run(ask, cwd=FLOOR, env=env, capture_output=True, text=True)
    if not out.stdout.split("IDEAS ")[-1].startswith("10000 "):
        subprocess.run([python, "mkdata.py", "10000"], cwd=FLOOR, env=env, check=True, capture_output=True)
        out = subprocess.run(ask, cwd=FLOOR, env=env, capture_output=True, text=True)
    global FLOOR_DETAIL  # noqa: PLW0603 - read once per run, before any page is measured
    FLOOR_DETAIL = f"/ideas/{int(out.stdout.split('IDEAS ')[-1].split()[1])}/"
    process = gunicorn(FLOOR, "wsgi", port, env)
    wait_listening(port, process)
    urllib.request.urlopen(f"http://127.0.0.1:{port}/ideas/").read()  # noqa: S310 - loopback
    return process


def wrk(url: str, seconds: int, cookie: str = "") -> dict:
    command = [WRK, "-t2", "-c8", f"-d{seconds}s", "--timeout", "30s", "-H", "Connection: close",
               "-s", str(HERE / "wrk.lua")]  # fmt: skip
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("WRK "))
    return json.loads(line[4:])


def sessions(cast, roles) -> dict:
    """A signed-in session cookie per role (staff with the second factor verified, as the test helpers do)."""
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from xieshang.accounts.models import Role

    out = {}
    for role in roles:
        client = Client()
        if role is not None:
            user = cast.users[role]
            client.force_login(user)
            if role not in (Role.MEMBER, Role.STANDING_MEMBER):
                device = TOTPDevice.objects.filter(user=user).first()
                device = device or TOTPDevice.objects.create(user=user, confirmed=True)
                session = client.session
                session["otp_device_id"] = device.persistent_id
                session.save()
        out[role] = client
    return out


def in_process(client, url: str) -> tuple[int, int]:
    """(queries, bytes) of one request through the whole stack (the second one: per-process caches warm)."""
    from django.db import connection

    client.get(url)
    count = [0]

    def counted(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counted):
        response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url}: HTTP {response.status_code}")
    return count[0], len(response.content)


def _options() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=sorted(SCALES), default=os.environ.get("SCALE", "small"))
    parser.add_argument("--n", type=int, help="proposals (default: the scale's)")
    parser.add_argument("--seconds", type=int, help="wrk duration of one measurement")
    parser.add_argument("--pairs", type=int, help="floor/page pairs per page (the median is reported)")
    parser.add_argument("--only", default="", help="comma-separated substrings of page names")
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", "8961")))
    parser.add_argument("--floor-db", default=os.environ.get("BENCH_FLOOR_DB", "xieshang_bench_floor"))
    parser.add_argument("--out", help="also write the JSON lines to this file")
    args = parser.parse_args()
    n, seconds, warmup, pairs = SCALES[args.scale]
    args.n, args.seconds, args.warmup, args.pairs = args.n or n, args.seconds or seconds, warmup, args.pairs or pairs
    return args


def _prepare(args):
    """Databases, migrations, static files, the data, the pages and a signed-in client per role."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("bench-pages runs on PostgreSQL: set DATABASE_URL=postgres://…/<a database of its own>")
    ensure_database(url)
    ensure_database(url.rsplit("/", 1)[0] + "/" + args.floor_db)

    import django

    django.setup()
    from build import build
    from django.core.management import call_command
    from pages import PAGES

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    cast = build(args.n, log=log)
    pages = [p for p in PAGES if not args.only or any(s.strip() in p.name for s in args.only.split(","))]
    for page in pages:
        if page.prepare:
            page.prepare(cast)
    return cast, pages, sessions(cast, {p.role for p in pages})


def _first_request(args, cast, page, client, started: float) -> dict:
    """How long a fresh worker takes to listen and then to answer its first page."""
    listening = time.perf_counter()
    headers = {"Cookie": _cookie(client)}
    request = urllib.request.Request(f"http://127.0.0.1:{args.port}{page.url(cast)}", headers=headers)
    t = time.perf_counter()
    urllib.request.urlopen(request).read()  # noqa: S310 - loopback
    return {
        "scale": args.scale,
        "proposals": cast.n,
        "load": [round(x, 1) for x in os.getloadavg()],
        "worker_start_s": round(listening - started, 2),
        "first_request_ms": round((time.perf_counter() - t) * 1000, 1),
    }


def _measure(args, target: str, floor_url: str, cookie: str) -> tuple[dict, float]:
    """Warm both, then floor and page back to back, `pairs` times; the median run of the page, the floor's median."""
    wrk(floor_url, args.warmup)
    wrk(target, args.warmup, cookie)
    runs = [(wrk(floor_url, args.seconds), wrk(target, args.seconds, cookie)) for _ in range(args.pairs)]
    ours = sorted((r for _, r in runs), key=lambda r: r["rps"])[len(runs) // 2]
    return ours, statistics.median(f["rps"] for f, _ in runs)


def main() -> None:
    args = _options()
    cast, pages, clients = _prepare(args)
    counted = {p.name: in_process(clients[p.role], p.url(cast)) for p in pages}
    floor = serve_floor(args.port + 1, args.floor_db)
    started = time.perf_counter()
    app = gunicorn(ROOT, "xieshang.wsgi", args.port, dict(os.environ))
    try:
        wait_listening(args.port, app)
        _emit(_first_request(args, cast, pages[0], clients[pages[0].role], started), args.out)
        floor_base = f"http://127.0.0.1:{args.port + 1}"
        sizes = {kind: len(urllib.request.urlopen(f"{floor_base}{path}").read())  # noqa: S310 - loopback
                 for kind, path in (("list", "/ideas/?pad=0"), ("detail", f"{FLOOR_DETAIL}?pad=0"))}  # fmt: skip
        for page in pages:
            queries, size = counted[page.name]
            path = "/ideas/" if page.floor == "list" else FLOOR_DETAIL
            floor_url = f"{floor_base}{path}?pad={max(0, size - sizes[page.floor])}"
            target = f"http://127.0.0.1:{args.port}{page.url(cast)}"
            ours, floor_rps = _measure(args, target, floor_url, _cookie(clients[page.role]))
            row = {
                "page": page.name,
                "rps": round(ours["rps"], 1),
                "p50_ms": round(ours["p50_ms"], 1),
                "p95_ms": round(ours["p95_ms"], 1),
                "bytes": size,
                "queries": queries,
                "floor_rps": round(floor_rps, 1),
                "ratio": round(floor_rps / ours["rps"], 2) if ours["rps"] else None,
            }
            if ours["non2xx"] or ours["socket_errors"]:
                row["errors"] = ours["non2xx"] + ours["socket_errors"]
            _emit(row, args.out)
        _emit({"load_after": [round(x, 1) for x in os.getloadavg()]}, args.out)
    finally:
        for server in (app, floor):
            server.terminate()
            server.wait()


def _cookie(client) -> str:
    morsel = client.cookies.get("sessionid")
    return f"sessionid={morsel.value}" if morsel else ""


def _emit(row: dict, out: str | None) -> None:
    line = json.dumps(row, ensure_ascii=False)
    print(line, flush=True)
    if out:
        with open(out, "a", encoding="utf-8") as f:
            f.write(line + "\n")


if __name__ == "__main__":
    main()
