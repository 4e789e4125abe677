"""Benchmark of the duty ranking and a member's duty page on PostgreSQL: 1,000 members × 20,000 duty entries in one
year, timed as whole HTTP requests.

    psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE xieshang_bench_duties"
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xieshang_bench_duties \
        .venv/bin/python bench/duties/run.py --members 1000 --entries 20000 --runs 200

The script migrates, bulk-loads the organization (sectors, committees, districts, 8 % standing members) and the
entries (a Zipf-like spread of points over members, every default kind), `VACUUM ANALYZE`s, then:
1. in-process: Django's test client (the whole middleware stack, view and template; no socket) — p50/p95 and the
   query count of each page;
2. over HTTP (unless `--no-http`): gunicorn (2 workers × 4 gthread threads, DEBUG off) serving the project and, with
   `--floor-db`, the framework's floor (shared/perf/floor) beside it, measured as shared/perf/README says: wrk -t2 -c8
   with "Connection: close" after a 3 s warm-up, each page and the floor page of the same byte size back to back,
   alternating, `--repeat` times; signed in with the sessions of (1) (staff with the second factor verified).
A rerun finds the data and only measures. Pages: the ranking (first 50 of 1,000 rows, tiers counted over all), the
ranking filtered by district, the shortfall list, and a member's page (a random member per request).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xieshang_bench_duties .venv/bin/python bench/duties/run.py \
        --floor-db floor_bench_duties --duration 15 --repeat 2 > /tmp/duties.jsonl
    .venv/bin/python bench/duties/run.py --table /tmp/duties.jsonl     # the Markdown table of README.md"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
import urllib.request
from datetime import date
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xieshang.settings")
os.environ.setdefault("XIESHANG_DEV", "1")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-the-public-development-key")
# As in production (DEBUG off), served over plain HTTP on the loopback.
PRODUCTION_LIKE = {
    "DEBUG": "0",
    "STATIC_ROOT": "/tmp/xieshang-bench-duties-static",
    "ALLOWED_HOSTS": "127.0.0.1,testserver",
    "SECURE_SSL_REDIRECT": "0",
    "SESSION_COOKIE_SECURE": "0",
    "CSRF_COOKIE_SECURE": "0",
}
for name, value in PRODUCTION_LIKE.items():
    os.environ.setdefault(name, value)

import django  # noqa: E402

django.setup()

from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from xieshang.accounts.models import (  # noqa: E402
    MemberProfile,
    Organization,
    Role,
    RoleGrant,
    Sector,
    SpecialCommittee,
    User,
)
from xieshang.duties.models import DutyEntry  # noqa: E402
from xieshang.duties.selectors import rules_for  # noqa: E402
from xieshang.duties.services import tallies_rebuild  # noqa: E402

YEAR = 2026
DISTRICTS = ["中原区", "二七区", "管城区", "金水区", "上街区", "惠济区", "郑东新区", "高新区", "经开区", "航空港区"]


def setup(n_members: int, n_entries: int) -> tuple[Organization, User, list[int]]:
    org, _ = Organization.objects.get_or_create(
        code="benchduty", defaults={"name": "基准测试市政协", "short_name": "基准", "level": "city"}
    )
    staff, _ = User.objects.get_or_create(username="bench_duty_staff", defaults={"name": "工作人员"})
    RoleGrant.objects.get_or_create(user=staff, organization=org, role=Role.COMMITTEE_STAFF)
    if MemberProfile.objects.filter(organization=org).count() >= n_members:
        ids = list(MemberProfile.objects.filter(organization=org).values_list("user_id", flat=True))
        return org, staff, ids
    rng = random.Random(13)
    sectors = [Sector.objects.get_or_create(organization=org, name=f"界别{i}")[0] for i in range(30)]
    committees = [SpecialCommittee.objects.get_or_create(organization=org, name=f"专委会{i}")[0] for i in range(10)]
    users = User.objects.bulk_create([User(username=f"bench_duty_m{i}", name=f"委员{i:04d}") for i in range(n_members)])
    standing = {u.pk for u in users[: n_members * 8 // 100]}
    RoleGrant.objects.bulk_create(
        [
            RoleGrant(user=u, organization=org, role=Role.STANDING_MEMBER if u.pk in standing else Role.MEMBER)
            for u in users
        ]
    )
    profiles = MemberProfile.objects.bulk_create(
        [
            MemberProfile(
                user=u,
                organization=org,
                term="第十五届",
                sector=rng.choice(sectors),
                district=rng.choice(DISTRICTS),
                is_standing=u.pk in standing,
            )
            for u in users
        ]
    )
    through = MemberProfile.committees.through
    through.objects.bulk_create(
        [through(memberprofile_id=p.pk, specialcommittee_id=rng.choice(committees).pk) for p in profiles]
    )
    rules = [r for r in rules_for(org, YEAR) if r.points > 0] + [r for r in rules_for(org, YEAR) if r.points < 0]
    weights = [1 / (i + 1) ** 0.5 for i in range(n_members)]
    ct = ContentType.objects.get_for_model(Organization)
    entries = []
    for i in range(n_entries):
        member = rng.choices(users, weights)[0]
        rule = rng.choice(rules[:-1]) if rng.random() > 0.01 else rules[-1]
        day = date(YEAR, rng.randint(1, 12), rng.randint(1, 28))
        entries.append(
            DutyEntry(
                member=member, organization=org, term="第十五届", year=YEAR, kind=rule.kind, rule_key=rule.key,
                rule=rule, points=rule.points, rule_points=rule.points, content_type=ct, object_id=i + 1,
                source_label=f"基准记录{i}", source_url="", occurred_on=day,
            )
        )  # fmt: skip
    DutyEntry.objects.bulk_create(entries, batch_size=2000)
    tallies_rebuild(organization=org)  # entries loaded in bulk, past the crediting services
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return org, staff, [u.pk for u in users]


def signed_in(user: User, verified: bool) -> Client:
    client = Client()
    client.force_login(user)
    if verified:
        device = TOTPDevice.objects.filter(user=user).first() or TOTPDevice.objects.create(user=user, confirmed=True)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    return client


def percentiles(times: list[float]) -> dict:
    times = sorted(times)
    return {
        "p50": round(statistics.median(times), 1),
        "p95": round(times[int(len(times) * 0.95) - 1], 1),
        "max": round(times[-1], 1),
    }


def pages(org: Organization, member_ids: list[int], rng: random.Random) -> list[tuple[str, object]]:
    return [
        ("ranking", lambda: f"/duties/ranking/?year={YEAR}"),
        ("ranking, one district", lambda: f"/duties/ranking/?year={YEAR}&district={quote(DISTRICTS[3])}"),
        ("shortfalls", lambda: f"/duties/shortfalls/?year={YEAR}"),
        ("member page (staff view)", lambda: f"/duties/members/{rng.choice(member_ids)}/?year={YEAR}"),
    ]


def in_process(client: Client, label: str, url_of, runs: int) -> dict:
    for _ in range(5):
        client.get(url_of())
    times, size, count = [], 0, [0]

    def counted(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counted):
        response = client.get(url_of())
    assert response.status_code == 200, (label, response.status_code)
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url_of())
        times.append((time.perf_counter() - started) * 1000)
        size = len(response.content)
    return {"page": label, "queries": count[0], "bytes": size, **percentiles(times)}


HERE = Path(__file__).resolve().parent
RESULT_FIELDS = ("rps", "p50_ms", "p95_ms", "p99_ms", "non2xx", "bytes_per_req")


def with_wrk(label: str, paths: list[str], port: int, duration: int, cookie: str = "") -> dict:
    """wrk -t2 -c8 --timeout 30s with "Connection: close" (shared/perf's method) over `paths`, chosen at random per
    request, after a 3 s warm-up; the RESULT line of shared/perf/stats.lua as a dict."""
    listing = Path(f"/tmp/xieshang-bench-duties-{port}.paths")
    listing.write_text("\n".join(paths) + "\n")
    env = {**os.environ, "BENCH_PATHS": str(listing), "BENCH_STATS": str(FLOOR.parent / "stats.lua")}
    headers = ["-H", "Connection: close"] + (["-H", f"Cookie: {cookie}"] if cookie else [])
    url = f"http://127.0.0.1:{port}/"
    found: dict = {}
    for seconds in (3, duration):  # the warm-up, then the measurement
        command = [
            "wrk",
            "-t2",
            "-c8",
            f"-d{seconds}s",
            "--timeout",
            "30s",
            *headers,
            "-s",
            str(HERE / "paths.lua"),
            url,
        ]
        out = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
        line = next(x for x in out.splitlines() if x.startswith("RESULT"))
        found = dict(part.split("=", 1) for part in line.split()[1:])
    return {"page": label, **{k: float(found[k]) for k in RESULT_FIELDS}, "load1": round(os.getloadavg()[0], 1)}


def table(path: str) -> None:
    """The Markdown table of README.md from a run's JSON lines: per page, ours beside the floor of its size (the
    median of the repeats), with the ratio floor req/s ÷ page req/s and the page's query count."""
    rows = [json.loads(line) for line in Path(path).read_text().splitlines() if line.startswith("{")]
    queries = {r["page"]: r["queries"] for r in rows if "queries" in r}
    pairs: dict[str, list[tuple[dict, dict]]] = {}
    for ours, floor in zip(rows, rows[1:], strict=False):
        if ours.get("kind") == "ours" and floor.get("kind") == "floor":
            pairs.setdefault(ours["page"], []).append((ours, floor))
    print("| page | queries | bytes | ours req/s | ours p50 ms | ours p95 ms | floor req/s | floor p50 ms "
          "| floor p95 ms | floor ÷ ours (req/s) | load |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|---|")

    def ratio(runs: list) -> str:
        ours = statistics.median(r[0]["rps"] for r in runs)
        return f"{statistics.median(r[1]['rps'] for r in runs) / ours:.1f}" if ours else "—"

    for page, runs in pairs.items():

        def median(side: int, key: str, runs: list = runs) -> float:
            return statistics.median(r[side][key] for r in runs)

        print(
            f"| {page} | {queries.get(page, '')} | {int(median(0, 'bytes_per_req'))} | {median(0, 'rps'):.1f} "
            f"| {median(0, 'p50_ms'):.1f} | {median(0, 'p95_ms'):.1f} | {median(1, 'rps'):.1f} "
            f"| {median(1, 'p50_ms'):.1f} | {median(1, 'p95_ms'):.1f} | {ratio(runs)} "
            f"| {statistics.median(r[0]['load1'] for r in runs):.1f} |"
        )


def serve(port: int) -> subprocess.Popen:
    env = dict(os.environ)
    command = [str(ROOT / ".venv/bin/gunicorn"), "xieshang.wsgi", "-w", "2", "-k", "gthread", "--threads", "4",
               "-b", f"127.0.0.1:{port}", "--log-level", "warning"]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/")  # noqa: S310
            return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError("gunicorn did not start")


FLOOR = Path(os.environ.get("XIESHANG_FLOOR", "/work/shared/perf/floor"))


def serve_floor(port: int, database: str) -> subprocess.Popen:
    """The framework's floor (shared/perf/floor: startproject's middleware, one query per page), on its own
    database, so that each page can be compared with a floor page of the same byte size in the same minute."""
    env = {**os.environ, "BENCH_DB": database, "DJANGO_SETTINGS_MODULE": "settings"}
    python = str(ROOT / ".venv/bin/python")
    subprocess.run([python, "manage.py", "migrate", "-v", "0"], cwd=FLOOR, env=env, check=True)
    subprocess.run([python, "mkdata.py", "10000"], cwd=FLOOR, env=env, check=True, capture_output=True)
    command = [str(ROOT / ".venv/bin/gunicorn"), "wsgi", "-w", "2", "-k", "gthread", "--threads", "4",
               "-b", f"127.0.0.1:{port}", "--log-level", "warning"]  # fmt: skip
    process = subprocess.Popen(command, cwd=FLOOR, env=env)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/ideas/")  # noqa: S310
            return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError("the floor did not start")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--entries", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=50, help="in-process requests per page")
    parser.add_argument("--port", type=int, default=8931)
    parser.add_argument("--no-http", action="store_true")
    parser.add_argument("--floor-db", default="", help="a PostgreSQL database for shared/perf/floor (e.g. floor)")
    parser.add_argument("--duration", type=int, default=15, help="seconds of wrk per page and run")
    parser.add_argument("--repeat", type=int, default=2, help="page/floor pairs per page")
    parser.add_argument("--table", default="", help="print README.md's table from a run's output and stop")
    args = parser.parse_args()
    if args.table:
        table(args.table)
        return
    if connection.vendor != "postgresql":
        print("warning: not PostgreSQL (set DATABASE_URL)", file=sys.stderr)
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # DEBUG off serves the hashed files
    org, staff, member_ids = setup(args.members, args.entries)
    rng = random.Random(7)
    client = signed_in(staff, verified=True)
    print(json.dumps({"members": len(member_ids), "entries": DutyEntry.objects.filter(organization=org).count(),
                      "load": os.getloadavg()}, ensure_ascii=False))  # fmt: skip
    for label, url_of in pages(org, member_ids, rng):
        print(json.dumps(in_process(client, label, url_of, args.runs), ensure_ascii=False), flush=True)
    member = User.objects.get(pk=member_ids[0])  # the member with the most entries
    own = signed_in(member, verified=False)
    row = in_process(own, "my duty page (member)", lambda: f"/duties/?year={YEAR}", args.runs)
    print(json.dumps(row, ensure_ascii=False), flush=True)
    if args.no_http:
        return
    process = serve(args.port)
    floor = serve_floor(args.port + 1, args.floor_db) if args.floor_db else None
    staff_cookie = f"sessionid={client.cookies['sessionid'].value}"
    member_cookie = f"sessionid={own.cookies['sessionid'].value}"
    measured = [(label, [url_of() for _ in range(200)], staff_cookie) for label, url_of in pages(org, member_ids, rng)]
    measured.append(("my duty page (member)", [f"/duties/?year={YEAR}"], member_cookie))
    try:
        for _ in range(args.repeat):
            for label, paths, cookie in measured:
                row = with_wrk(label, paths, args.port, args.duration, cookie)
                print(json.dumps({"kind": "ours", **row}, ensure_ascii=False), flush=True)
                if floor is not None:
                    pad = int(row["bytes_per_req"])
                    row = with_wrk(label, [f"/ideas/?pad={pad}"], args.port + 1, args.duration)
                    print(json.dumps({"kind": "floor", **row}, ensure_ascii=False), flush=True)
        print(json.dumps({"load": os.getloadavg()}))
    finally:
        for server in (process, floor):
            if server is not None:
                server.terminate()
                server.wait()


if __name__ == "__main__":
    main()
