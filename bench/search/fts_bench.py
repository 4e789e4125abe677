"""Full-text index benchmark: build time and query latency of search.services.search on 200,000 documents.

.venv/bin/python bench/search/fts_bench.py --db sqlite   [--n 200000] [--queries 150] [--json out.json]
.venv/bin/python bench/search/fts_bench.py --db postgres [--url postgres://postgres@127.0.0.1:5432/xieshang_fts_bench_s]
    [--seg-cache /tmp/seg200k.pickle]  # segment once, reuse for the other database
    [--reuse]                          # query what an earlier run built (run `manage.py migrate` on it first)

Documents come from bench/search/generate.py (templated proposals) plus a long tail of proper nouns (roads, villages,
companies drawn with a Zipf law), so that there are terms of every frequency. All documents belong to one
organization and the searching member belongs to it (the permission filter prunes nothing: the worst case); one in ten
is restricted to another user, so the filter still has work to do. Latency is measured through the whole service
(terms, permission SQL, ranking, fetching and highlighting the first page), as the page and the API call it.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

SQLITE_PATH = "/tmp/xieshang_fts_bench.sqlite3"
PG_URL = "postgres://postgres@127.0.0.1:5432/xieshang_fts_bench_s"


def prepare_database(kind: str, url: str) -> None:
    if kind == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(SQLITE_PATH + suffix).unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE_PATH}"
    else:
        import psycopg

        base, name = url.rsplit("/", 1)
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = url
    os.environ.setdefault("XIESHANG_DEV", "1")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-the-public-development-key")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xieshang.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def long_tail(rng: random.Random, chars: str, n_names: int = 30_000) -> list[str]:
    suffixes = ["路", "街", "村", "社区", "小学", "公司", "水库", "公园", "大桥", "菜市场"]
    names = set()
    while len(names) < n_names:
        names.add(rng.choice(chars) + rng.choice(chars) + rng.choice(suffixes))
    return sorted(names)


def documents(n: int, seed: int = 7):
    from generate import generate

    rng = random.Random(seed)
    docs = list(generate(n))
    chars = "".join(sorted({ch for d in docs[:2000] for ch in d["title"] if "\u4e00" <= ch <= "\u9fff"}))
    names = long_tail(rng, chars)
    cumulative = list(itertools.accumulate(1 / (i + 1) for i in range(len(names))))
    for d in docs:
        extra = rng.choices(names, cum_weights=cumulative, k=rng.randint(1, 3))
        d["body"] += "涉及" + "、".join(extra) + "等地。"
    return docs


def segmented(docs, cache: str | None) -> tuple[list[tuple[str, str]], float, bool]:
    """(seg_title, seg_body) of every document, and the seconds segmentation took. With ``cache`` (a file), a run
    reuses what an earlier run of the same corpus cut: segmentation is the same code for both databases and takes
    minutes, the database part is what differs."""
    import pickle

    from xieshang.search.dictionary import current_segmenter
    from xieshang.search.tokens import index_text

    if cache and Path(cache).exists():
        with open(cache, "rb") as f:
            stored = pickle.load(f)  # noqa: S301 - a file this script wrote
        if stored["n"] == len(docs):
            return stored["seg"], stored["seconds"], True
    segmenter = current_segmenter()
    t = time.perf_counter()
    seg = [(index_text(segmenter, d["title"]), index_text(segmenter, d["body"])) for d in docs]
    seconds = time.perf_counter() - t
    if cache:
        with open(cache, "wb") as f:
            pickle.dump({"n": len(docs), "seg": seg, "seconds": seconds}, f, protocol=pickle.HIGHEST_PROTOCOL)
    return seg, seconds, False


def build(docs, org, viewer_other, seg_cache: str | None = None) -> dict:
    from django.db import connection, transaction

    from xieshang.search.dictionary import dictionary_version
    from xieshang.search.models import SearchDocument

    version = dictionary_version()
    rng = random.Random(11)
    db_s = 0.0
    batch = []
    t_all = time.perf_counter()
    seg, seg_s, cached = segmented(docs, seg_cache)
    for i, d in enumerate(docs):
        restricted = rng.random() < 0.1
        row = SearchDocument(
            doc_type="bench",
            object_id=d["id"] + 1,
            organization_id=org.pk,
            title=d["title"],
            body=d["body"],
            seg_title=seg[i][0],
            seg_body=seg[i][1],
            year=2014 + d["id"] % 12,
            state="filed",
            visibility="restricted" if restricted else "organization",
            viewer_user_ids=f" {viewer_other.pk} " if restricted else "",
            seq=i + 1,
            dictionary_version=version,
        )
        batch.append(row)
        if len(batch) == 2000 or i == len(docs) - 1:
            t = time.perf_counter()
            with transaction.atomic():
                SearchDocument.objects.bulk_create(batch)
            db_s += time.perf_counter() - t
            batch = []
    t = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
            cursor.execute("ANALYZE")
        else:
            # As autovacuum would after a bulk load: visibility map and hint bits set, statistics fresh.
            cursor.execute("VACUUM ANALYZE search_searchdocument")
            cursor.execute("VACUUM ANALYZE search_match")
    finish_s = time.perf_counter() - t
    return {
        "documents": len(docs),
        "segmentation_s": round(seg_s, 1),
        "segmentation_from_cache": cached,
        "insert_and_index_s": round(db_s, 1),
        "optimize_analyze_s": round(finish_s, 1),
        "total_s": round(time.perf_counter() - t_all, 1),
    }


def pick_queries(docs, n_each: int, seed: int = 3) -> list[tuple[str, str]]:
    from xieshang.search.dictionary import current_segmenter

    rng = random.Random(seed)
    segmenter = current_segmenter()
    sample = rng.sample(docs, min(20_000, len(docs)))
    df: Counter[str] = Counter()
    per_doc = []
    for d in sample:
        words = set(segmenter.to_query_terms(d["title"] + "。" + d["body"], max_terms=10_000))
        words = {w for w in words if len(w) >= 2}
        per_doc.append(words)
        df.update(words)
    share = {w: c / len(sample) for w, c in df.items()}
    high = sorted(w for w, s in share.items() if s >= 0.10)
    mid = sorted(w for w, s in share.items() if 0.005 <= s <= 0.05)
    low = sorted(w for w, s in share.items() if s <= 0.0005)
    queries = [("high", w) for w in rng.sample(high, min(n_each, len(high)))]
    queries += [("middle", w) for w in rng.sample(mid, min(n_each, len(mid)))]
    queries += [("low", w) for w in rng.sample(low, min(n_each, len(low)))]
    pairs = []
    while len(pairs) < n_each:
        words = sorted(w for w in rng.choice(per_doc) if 0.005 <= share.get(w, 0) <= 0.2)
        if len(words) >= 2:
            a, b = rng.sample(words, 2)
            pairs.append(("pair", f"{a} {b}"))
    queries += pairs
    queries += [("title", d["title"]) for d in rng.sample(docs, n_each)]
    return queries


def run_queries(user, queries, repeat: int = 1) -> dict:
    from xieshang.accounts.selectors import forget_roles
    from xieshang.search.services import search

    for _, q in queries[:20]:  # warm caches as a running server would have them
        search(user, q)
    by_kind: dict[str, list[float]] = {}
    totals: dict[str, list[int]] = {}
    for _ in range(repeat):
        for kind, q in queries:
            forget_roles(user)
            t = time.perf_counter()
            results = search(user, q)
            by_kind.setdefault(kind, []).append(time.perf_counter() - t)
            totals.setdefault(kind, []).append(results.total)
    out = {}
    every = [s for v in by_kind.values() for s in v]
    for kind, samples in [*by_kind.items(), ("all", every)]:
        ms = sorted(s * 1000 for s in samples)
        out[kind] = {
            "n": len(ms),
            "p50_ms": round(statistics.median(ms), 2),
            "p95_ms": round(ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))], 2),
            "max_ms": round(ms[-1], 2),
        }
        if kind in totals:
            out[kind]["median_hits"] = int(statistics.median(totals[kind]))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--url", default=PG_URL)
    parser.add_argument("--n", type=int, default=200_000)
    parser.add_argument("--queries", type=int, default=150, help="at least this many, in five equal groups")
    parser.add_argument("--json")
    parser.add_argument("--reuse", action="store_true", help="query the index a previous run built (SQLite file)")
    parser.add_argument("--repeat", type=int, default=1, help="run the same queries this many times (more samples)")
    parser.add_argument("--seg-cache", help="file of the corpus' segmented text: written once, read by later builds")
    args = parser.parse_args()

    if args.reuse:
        os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE_PATH}" if args.db == "sqlite" else args.url
        os.environ.setdefault("XIESHANG_DEV", "1")
        os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-the-public-development-key")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xieshang.settings")
        os.environ.setdefault("LOG_LEVEL", "WARNING")
        import django

        django.setup()
    else:
        prepare_database(args.db, args.url)
    from django.db import connection

    from tests.factories import make_user
    from xieshang.accounts.models import Organization, Role, User
    from xieshang.search import registry
    from xieshang.search.models import SearchDocument

    registry.register_document_type("bench", "基准文档", SearchDocument, lambda obj: None)
    t = time.perf_counter()
    docs = documents(args.n)
    gen_s = time.perf_counter() - t
    if args.reuse:
        user, build_stats = User.objects.get(username="reader"), {"reused": True}
    else:
        org = Organization.objects.create(name="郑州市政协", short_name="郑州", code="zz", level="city")
        user = make_user(Role.MEMBER, org, username="reader")
        other = make_user(Role.MEMBER, org, username="other")
        build_stats = build(docs, org, other, args.seg_cache)
        print(json.dumps({"build": build_stats}), flush=True)  # a later failure must not lose an hour of building
    queries = pick_queries(docs, max(1, -(-args.queries // 5)))
    latency = run_queries(user, queries, repeat=args.repeat)
    result = {
        "db": connection.vendor,
        "db_version": connection.pg_version
        if connection.vendor == "postgresql"
        else __import__("sqlite3").sqlite_version,
        "python": platform.python_version(),
        "machine": f"{platform.machine()} {os.cpu_count()} CPU",
        "generate_s": round(gen_s, 1),
        "repeat": args.repeat,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "build": build_stats,
        "latency": latency,
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(result, ensure_ascii=False, indent=2), "utf-8")


if __name__ == "__main__":
    main()
