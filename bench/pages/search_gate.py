"""The search back-end with and without the reader's gate (decision 0044) on the bench/pages database, in process:
for each query, filter and reader, the median of 5 runs of the ranked page (what the search page asks), both ways,
and a check that both answer the same. One JSON line per case.

    DATABASE_URL=postgres://…/xieshang_bench_pages_full REDIS_URL=redis://127.0.0.1:6379/14 \\
      .venv/bin/python bench/pages/search_gate.py [--out bench/pages/results-search-gate.jsonl]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import run  # noqa: F401 - the production-like environment and sys.path

QUERIES = ["停车", "老旧小区"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out")
    args = parser.parse_args()
    import django

    django.setup()
    from build import ORGS, cast
    from django.contrib.auth.models import AnonymousUser

    from xieshang.accounts.models import Organization, Role
    from xieshang.search.backends import get_backend
    from xieshang.search.services import _where, query_terms

    c = cast(Organization.objects.get(code=ORGS[0][0]))
    district = Organization.objects.get(code=ORGS[1][0])
    readers = {"member": c.users[Role.MEMBER], "anonymous": AnonymousUser(), "staff": c.users[Role.PROPOSALS_STAFF]}
    filters = {
        "none": {},
        "type=proposal": {"type": "proposal"},
        "one district": {"organization": district.pk},
        "year=2024": {"year": 2024},
    }
    backend = get_backend()
    for query in QUERIES:
        terms, _ = query_terms(query)
        for fname, flt in filters.items():
            for rname, reader in readers.items():
                where, params, gate = _where(reader, flt)
                out = {}
                for label, g in (("ungated", ""), ("gated", gate)):
                    times, page = [], None
                    for _ in range(5):
                        t = time.perf_counter()
                        page = backend.search(terms, where, params, offset=0, limit=20, gate=g)
                        times.append((time.perf_counter() - t) * 1000)
                    out[label] = (statistics.median(times), page.total, [pk for pk, _ in page.hits])
                if out["ungated"][1:] != out["gated"][1:]:
                    raise SystemExit(f"{query} {fname} {rname}: the gate changed the answer")
                run._emit(
                    {
                        "query": query,
                        "filter": fname,
                        "reader": rname,
                        "ungated_ms": round(out["ungated"][0], 1),
                        "gated_ms": round(out["gated"][0], 1),
                        "total": out["gated"][1],
                        "load": [round(x, 1) for x in os.getloadavg()],
                    },
                    args.out,
                )


if __name__ == "__main__":
    main()
