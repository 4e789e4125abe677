"""Benchmark of the work report page, the leaders' dashboard and the open-data export at the demo's scale, on
PostgreSQL, as the user meets them: whole HTTP requests through gunicorn (2 workers × 4 gthread threads, DEBUG off),
beside the framework's floor (shared/perf/floor) in the same run; the export as the whole `open_data` process.

    createdb -h 127.0.0.1 -U postgres xieshang_bench_stats && createdb -h 127.0.0.1 -U postgres floor_bench_stats
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/xieshang_bench_stats REDIS_URL=redis://127.0.0.1:6379/4
    XIESHANG_DEV=1 DEBUG=1 .venv/bin/python manage.py migrate && ... demo_data --scale 1      # once
    .venv/bin/python bench/stats/run.py --year 2021 --floor-db floor_bench_stats --out bench/stats/results.jsonl

Per page, two cases:
- "cold": the figures cache holds nothing for the page (a counted record just changed: the script starts a new
  generation before every request, as a save does), so the page counts everything;
- "warm": the figures were counted by an earlier request and nothing changed since.
Each request is timed from this process with one connection per request (urllib on the loopback, no keep-alive);
the floor's list page padded to the same byte size is timed right after the page, in the same way. The query count
is taken in-process (Django's test client) for the cold and the warm case.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xieshang.settings")
os.environ.setdefault("XIESHANG_DEV", "1")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-the-public-development-key")
PRODUCTION_LIKE = {
    "DEBUG": "0",
    "STATIC_ROOT": "/tmp/xieshang-bench-stats-static",
    "ALLOWED_HOSTS": "127.0.0.1,testserver",
    "SECURE_SSL_REDIRECT": "0",
    "SESSION_COOKIE_SECURE": "0",
    "CSRF_COOKIE_SECURE": "0",
}
for name, value in PRODUCTION_LIKE.items():
    os.environ.setdefault(name, value)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from xieshang.accounts.models import Role, RoleGrant  # noqa: E402
from xieshang.stats.management.commands.annual_report import home_organization  # noqa: E402
from xieshang.stats.selectors import new_generation  # noqa: E402

FLOOR = Path(os.environ.get("XIESHANG_FLOOR", "/work/shared/perf/floor"))


def percentiles(times: list[float]) -> dict:
    ordered = sorted(times)
    return {
        "runs": len(times),
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)], 1),
        "max_ms": round(ordered[-1], 1),
    }


def signed_in(user) -> Client:
    """A staff session with the second factor marked verified (as the tests' helpers do)."""
    client = Client()
    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


def queries(client: Client, url: str, cold: bool) -> tuple[int, int]:
    count = [0]

    def counted(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        count[0] += 1
        return execute(sql, params, many, context)

    client.get(url)
    if cold:
        new_generation()
    with connection.execute_wrapper(counted):
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return count[0], len(response.content)


def fetch(port: int, url: str, cookie: str = "") -> int:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{url}", headers={"Cookie": cookie})
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - loopback only
        return len(response.read())


def over_http(port: int, url: str, cookie: str, runs: int, cold: bool) -> tuple[dict, int]:
    for _ in range(3):
        fetch(port, url, cookie)
    times, size = [], 0
    for _ in range(runs):
        if cold:
            new_generation()
        started = time.perf_counter()
        size = fetch(port, url, cookie)
        times.append((time.perf_counter() - started) * 1000)
    return percentiles(times), size


def serve(port: int) -> subprocess.Popen:
    command = [str(ROOT / ".venv/bin/gunicorn"), "xieshang.wsgi", "-w", "2", "-k", "gthread", "--threads", "4",
               "-b", f"127.0.0.1:{port}", "--log-level", "warning"]  # fmt: skip
    return wait_for(subprocess.Popen(command, cwd=ROOT, env=dict(os.environ)), port, "/healthz")


def serve_floor(port: int, database: str) -> subprocess.Popen:
    env = {**os.environ, "BENCH_DB": database, "DJANGO_SETTINGS_MODULE": "settings"}
    python = str(ROOT / ".venv/bin/python")
    subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=FLOOR, env=env, check=True)
    subprocess.run([python, "mkdata.py", "10000"], cwd=FLOOR, env=env, check=True, capture_output=True)
    command = [str(ROOT / ".venv/bin/gunicorn"), "wsgi", "-w", "2", "-k", "gthread", "--threads", "4",
               "-b", f"127.0.0.1:{port}", "--log-level", "warning"]  # fmt: skip
    return wait_for(subprocess.Popen(command, cwd=FLOOR, env=env), port, "/ideas/")


def wait_for(process: subprocess.Popen, port: int, path: str) -> subprocess.Popen:
    for _ in range(120):
        time.sleep(0.5)
        try:
            fetch(port, path)
            return process
        except Exception:  # noqa: BLE001 - not up yet (or a 404 for /healthz: up)
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5)  # noqa: S310
                return process
            except urllib.error.HTTPError:
                return process
            except Exception:  # noqa: BLE001, S112
                continue
    process.terminate()
    raise RuntimeError(f"server on {port} did not start")


def open_data_seconds(code: str, year: int) -> float:
    env = {**os.environ, "DEBUG": "1"}
    started = time.perf_counter()
    subprocess.run(
        [str(ROOT / ".venv/bin/python"), "manage.py", "open_data", "--year", str(year), "--organization", code],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--year", type=int, default=2021)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--port", type=int, default=8941)
    parser.add_argument("--floor-db", default="")
    parser.add_argument("--out", default="")
    args = parser.parse_args()
    out = open(args.out, "a") if args.out else None  # noqa: SIM115

    def emit(row: dict) -> None:
        line = json.dumps(row, ensure_ascii=False)
        print(line, flush=True)
        if out:
            out.write(line + "\n")
            out.flush()

    assert connection.vendor == "postgresql", "set DATABASE_URL to the PostgreSQL demo database"
    call_command("collectstatic", interactive=False, verbosity=0)
    org = home_organization(None)
    grant = RoleGrant.objects.filter(organization=org, role=Role.LEADER).select_related("user").first()
    grant = (
        grant or RoleGrant.objects.filter(organization=org, role=Role.COMMITTEE_STAFF).select_related("user").first()
    )
    client = signed_in(grant.user)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    from xieshang.proposals.models import Proposal

    emit({"organization": org.code, "year": args.year, "load": os.getloadavg(),
          "proposals": Proposal.objects.filter(organization=org).count()})  # fmt: skip
    pages = [("report", f"/stats/report/?year={args.year}"), ("dashboard", f"/stats/dashboard/?year={args.year}")]
    for label, url in pages:
        for cold in (True, False):
            n, size = queries(client, url, cold)
            emit({"page": label, "case": "cold" if cold else "warm", "queries": n, "bytes": size})
    app = serve(args.port)
    floor = serve_floor(args.port + 1, args.floor_db) if args.floor_db else None
    try:
        for label, url in pages:
            for cold in (True, False):
                for _pair in range(2):
                    row, size = over_http(args.port, url, cookie, args.runs, cold)
                    emit({"page": label, "case": "cold" if cold else "warm", "http": True, "bytes": size, **row,
                          "load": os.getloadavg()[0]})  # fmt: skip
                    if floor is not None:
                        row, fsize = over_http(args.port + 1, f"/ideas/?pad={size}", "", args.runs, False)
                        emit({"page": f"floor ({label} size)", "http": True, "bytes": fsize, **row})
    finally:
        for server in (app, floor):
            if server is not None:
                server.terminate()
                server.wait()
    for _ in range(2):
        emit({"command": f"open_data --year {args.year}", "seconds": round(open_data_seconds(org.code, args.year), 2),
              "load": os.getloadavg()[0]})  # fmt: skip


if __name__ == "__main__":
    main()
