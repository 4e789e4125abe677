"""A transition as the staff member makes it, at the full scale (issue #18: "a transition under 20 ms with its effects
after commit"): the proposal page is read, the pre-acceptance button's form is posted with its own hidden fields (CSRF
enforced, the submission token, the expected state), and the POST is timed whole: the middleware, the service's
transaction, the after-commit callbacks (generations, tasks queued, notifications) and the redirect, on the bench
database (PostgreSQL + Redis). In process (Django's handler, with the statements counted), or with --http through
gunicorn as run.py serves the pages (2 workers × 4 threads, DEBUG off), one POST at a time over the loopback, timed
from the first byte sent to the redirect's last byte received.

    DATABASE_URL=postgres://…/xieshang_bench_pages_full REDIS_URL=redis://127.0.0.1:6379/14 \\
        .venv/bin/python bench/pages/transition.py --n 60 [--http]

Each run moves `n` submitted proposals of the data to pre-accepted (the data has thousands). One JSON line."""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import statistics
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookies import SimpleCookie
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import run  # noqa: E402 - the benchmark's environment (production-like settings) and helpers

FORM = re.compile(r'<form[^>]*action="(/proposals/\d+/do/pre_accept/)"[^>]*>(.*?)</form>', re.S)
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=60)
    parser.add_argument("--http", action="store_true", help="through gunicorn over the loopback")
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", "8961")))
    args = parser.parse_args()
    import django

    django.setup()
    from build import build
    from django.db import connection

    from xieshang.accounts.models import Role
    from xieshang.proposals.models import Proposal

    cast = build(run.SCALES[os.environ.get("SCALE", "full")][0], log=run.log)
    client = run.sessions(cast, [Role.PROPOSALS_STAFF])[Role.PROPOSALS_STAFF]
    waiting = list(
        Proposal.objects.filter(state__key="submitted", organization=cast.org).values_list("pk", flat=True)[
            : args.n + (WARM if args.http else 0)
        ]
    )
    if args.http:
        times, queries = _over_http(args, waiting, client.cookies["sessionid"].value)
    else:
        times, queries = _in_process(connection, client, waiting)
    if not times:
        sys.exit("no submitted proposal with a pre-acceptance form")
    times.sort()
    row = {
        "what": "transition (POST pre_accept, whole request "
        + ("over HTTP through gunicorn" if args.http else "in process")
        + ")",
        "n": len(times),
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[int(len(times) * 0.95) - 1], 1),
        **({"queries_median": statistics.median(queries)} if queries else {}),
        "load": [round(x, 1) for x in os.getloadavg()],
    }
    print(json.dumps(row, ensure_ascii=False))


def _in_process(connection, client, waiting) -> tuple[list[float], list[int]]:
    from django.test import Client

    csrf = Client(enforce_csrf_checks=True)
    csrf.cookies = client.cookies
    times, queries = [], []
    for pk in waiting:
        page = csrf.get(f"/proposals/{pk}/").content.decode()
        found = FORM.search(page)
        if not found:
            continue
        fields = {name: html.unescape(value) for name, value in HIDDEN.findall(found.group(2))}
        count = [0]

        def counted(execute, sql, params, many, context, count=count):
            count[0] += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counted):
            t = time.perf_counter()
            response = csrf.post(found.group(1), fields)
            times.append((time.perf_counter() - t) * 1000)
        queries.append(count[0])
        if response.status_code != 302:
            raise RuntimeError(f"{found.group(1)}: HTTP {response.status_code}")
    return times, queries


WARM = 6  # the first POSTs each gunicorn worker answers import the services and fill its caches: not timed


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # the 302 is the answer timed, not followed
        return None


def _over_http(args, waiting, session: str) -> tuple[list[float], list[int]]:
    app = run.gunicorn(run.ROOT, "xieshang.wsgi", args.port, dict(os.environ))
    opener = urllib.request.build_opener(_NoRedirect)
    base = f"http://127.0.0.1:{args.port}"
    cookies = {"sessionid": session}
    times: list[float] = []
    try:
        run.wait_listening(args.port, app)
        for pk in waiting:
            header = "; ".join(f"{k}={v}" for k, v in cookies.items())
            with opener.open(urllib.request.Request(f"{base}/proposals/{pk}/", headers={"Cookie": header})) as page:
                for value in page.headers.get_all("Set-Cookie") or []:
                    cookies.update({k: m.value for k, m in SimpleCookie(value).items()})
                found = FORM.search(page.read().decode())
            if not found:
                continue
            fields = {name: html.unescape(value) for name, value in HIDDEN.findall(found.group(2))}
            header = "; ".join(f"{k}={v}" for k, v in cookies.items())
            body = urllib.parse.urlencode(fields).encode()
            request = urllib.request.Request(
                f"{base}{found.group(1)}",
                data=body,
                headers={"Cookie": header, "Content-Type": "application/x-www-form-urlencoded", "Origin": base},
            )
            t = time.perf_counter()
            try:
                opener.open(request).read()
                status = 200
            except urllib.error.HTTPError as answer:
                answer.read()
                status = answer.code
            times.append((time.perf_counter() - t) * 1000)
            if status != 302:
                raise RuntimeError(f"{found.group(1)}: HTTP {status}")
    finally:
        app.terminate()
        app.wait()
    return times[WARM:], []


if __name__ == "__main__":
    main()
