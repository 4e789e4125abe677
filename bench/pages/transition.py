"""A transition as the staff member makes it, at the full scale (issue #18: "a transition under 20 ms with its effects
after commit"): the proposal page is read, the pre-acceptance button's form is posted with its own hidden fields (CSRF
enforced, the submission token, the expected state), and the POST is timed whole: the middleware, the service's
transaction, the after-commit callbacks (generations, tasks queued, notifications) and the redirect. In process
(Django's handler, no gunicorn: the page figures are in run.py), on the bench database (PostgreSQL + Redis).

    DATABASE_URL=postgres://…/xieshang_bench_pages_full REDIS_URL=redis://127.0.0.1:6379/14 \\
        .venv/bin/python bench/pages/transition.py --n 60

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
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import run  # noqa: E402 - the benchmark's environment (production-like settings) and helpers

FORM = re.compile(r'<form[^>]*action="(/proposals/\d+/do/pre_accept/)"[^>]*>(.*?)</form>', re.S)
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=60)
    args = parser.parse_args()
    import django

    django.setup()
    from build import build
    from django.db import connection
    from django.test import Client

    from xieshang.accounts.models import Role
    from xieshang.proposals.models import Proposal

    cast = build(run.SCALES[os.environ.get("SCALE", "full")][0], log=run.log)
    client = run.sessions(cast, [Role.PROPOSALS_STAFF])[Role.PROPOSALS_STAFF]
    csrf = Client(enforce_csrf_checks=True)
    csrf.cookies = client.cookies
    waiting = list(
        Proposal.objects.filter(state__key="submitted", organization=cast.org).values_list("pk", flat=True)[: args.n]
    )
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
    if not times:
        sys.exit("no submitted proposal with a pre-acceptance form")
    times.sort()
    row = {
        "what": "transition (POST pre_accept, whole request in process)",
        "n": len(times),
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[int(len(times) * 0.95) - 1], 1),
        "queries_median": statistics.median(queries),
        "load": [round(x, 1) for x in os.getloadavg()],
    }
    print(json.dumps(row, ensure_ascii=False))


if __name__ == "__main__":
    main()
