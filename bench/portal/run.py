"""The portal's landing page (`/` for a visitor, issue 16) at the full demo scale on PostgreSQL, as whole HTTP
requests beside the framework's floor, by the method of shared/perf (the same as bench/duties: gunicorn 2 workers ×
4 gthread threads, DEBUG off; wrk -t2 -c8 with "Connection: close" after a 3 s warm-up; each page followed by the
floor page of its byte size).

    psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE xieshang_bench_portal"
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xieshang_bench_portal XIESHANG_DEV=1 DEBUG=1 REDIS_URL= \
        .venv/bin/python manage.py demo_data --scale 1                        # ~16 min
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xieshang_bench_portal REDIS_URL=redis://127.0.0.1:6379/3 \
        .venv/bin/python bench/portal/run.py --floor-db floor_bench_portal --duration 15 --repeat 2 > /tmp/portal.jsonl
    .venv/bin/python bench/portal/run.py --table /tmp/portal.jsonl             # README.md's table

Pages: the city's landing page (Zhengzhou, rolling up its districts), the same with a district chosen (a random one
per request), one district's own portal, and the city's in English. Query counts come from the test client, a
visitor's second request (the sections are kept in the cache until a shown record changes)."""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[2]
os.environ.setdefault("XIESHANG_PORTAL_DEFAULT", "zhengzhou")
sys.path.insert(0, str(ROOT / "bench" / "duties"))
import run as method  # noqa: E402 - bench/duties/run.py: the shared/perf method (settings, gunicorn, floor, wrk)
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from xieshang.accounts.models import Community  # noqa: E402


def pages(districts: list[str]) -> list[tuple[str, list[str], str]]:
    rng = random.Random(5)
    english = f"{settings.LANGUAGE_COOKIE_NAME}=en"
    return [
        ("landing (city)", ["/"], ""),
        ("landing, a district chosen", [f"/?district={quote(rng.choice(districts))}" for _ in range(200)], ""),
        ("landing of a district's conference", ["/?org=jinshui"], ""),
        ("landing (city), English", ["/"], english),
    ]


def in_process(label: str, paths: list[str], cookie: str) -> dict:
    client = Client()
    if cookie:
        name, value = cookie.split("=", 1)
        client.cookies[name] = value
    for path in paths[:20]:
        client.get(path)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(paths[0])
    assert response.status_code == 200, (label, response.status_code)
    return {"page": label, "queries": len(ctx), "bytes": len(response.content)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8951)
    parser.add_argument("--floor-db", default="")
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--table", default="")
    args = parser.parse_args()
    if args.table:
        method.table(args.table)
        return
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    districts = sorted(set(Community.objects.exclude(district="").values_list("district", flat=True)))
    measured = pages(districts)
    print(json.dumps({"districts": len(districts), "load": os.getloadavg()}, ensure_ascii=False))
    for label, paths, cookie in measured:
        print(json.dumps(in_process(label, paths, cookie), ensure_ascii=False), flush=True)
    process = method.serve(args.port)
    floor = method.serve_floor(args.port + 1, args.floor_db) if args.floor_db else None
    try:
        for _ in range(args.repeat):
            for label, paths, cookie in measured:
                row = method.with_wrk(label, paths, args.port, args.duration, cookie)
                print(json.dumps({"kind": "ours", **row}, ensure_ascii=False), flush=True)
                if floor is not None:
                    row = method.with_wrk(
                        label, [f"/ideas/?pad={int(row['bytes_per_req'])}"], args.port + 1, args.duration
                    )
                    print(json.dumps({"kind": "floor", **row}, ensure_ascii=False), flush=True)
        print(json.dumps({"load": os.getloadavg()}))
    finally:
        for server in (process, floor):
            if server is not None:
                server.terminate()
                server.wait()


if __name__ == "__main__":
    main()
