"""Benchmarks of the Django-free search core: segmentation, similarity queries on 200k documents, routing latency.

.venv/bin/python bench/search/bench_text.py [--docs 200000] [--queries 200] [--json]
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
import rjieba  # noqa: E402
from generate import generate  # noqa: E402

from xieshang.search.text.routing import RoutingModel  # noqa: E402
from xieshang.search.text.segment import default_segmenter  # noqa: E402
from xieshang.search.text.similarity import SimilarityIndex, shared_passages  # noqa: E402


def percentiles(samples_s: list[float]) -> dict:
    ms = np.array(samples_s) * 1000
    return {
        "p50_ms": round(float(np.percentile(ms, 50)), 2),
        "p95_ms": round(float(np.percentile(ms, 95)), 2),
        "max_ms": round(float(ms.max()), 2),
        "n": len(ms),
    }


def bench_segmentation(texts: list[str]) -> dict:
    chars = sum(map(len, texts))
    raw = rjieba.Jieba()
    seg = default_segmenter()
    out = {"chars": chars}
    for name, fn in [
        ("rjieba_cut", raw.cut),
        ("segmenter_cut", seg.cut),
        ("rjieba_cut_for_search", raw.cut_for_search),
        ("segmenter_cut_for_search", seg.cut_for_search),
        ("to_index_text", seg.to_index_text),
    ]:
        best = 0.0
        for _ in range(3):
            started = time.perf_counter()
            for t in texts:
                fn(t)
            best = max(best, chars / (time.perf_counter() - started))
        out[name + "_Mchar_s"] = round(best / 1e6, 2)
    return out


def paraphrase(rng: random.Random, text: str) -> str:
    """A near-duplicate as a second member would write it: sentences dropped and reordered, a few words changed."""
    parts = [p for p in text.replace("。", "，").split("，") if p]
    rng.shuffle(parts)
    kept = parts[: max(3, int(len(parts) * 0.7))]
    return "，".join(kept).replace("建议", "希望").replace("一些地方", "部分区域") + "。"


def bench_similarity(docs: list[dict], n_queries: int) -> dict:
    rng = random.Random(7)
    started = time.perf_counter()
    index = SimilarityIndex().fit([(d["id"], d["title"] + "。" + d["body"]) for d in docs])
    fit_s = time.perf_counter() - started
    nnz = index._main_t.nnz
    targets = rng.sample(docs, n_queries)
    queries = [(d["id"], paraphrase(rng, d["title"] + "。" + d["body"])) for d in targets]
    times, hits1, hits10 = [], 0, 0
    for target, q in queries:
        started = time.perf_counter()
        res = index.query(q, k=10)
        times.append(time.perf_counter() - started)
        ids = [i for i, _ in res]
        hits1 += bool(ids) and ids[0] == target
        hits10 += target in ids
    add_times = []
    for j, d in enumerate(generate(n_queries, seed=99)):
        started = time.perf_counter()
        index.add(f"new-{j}", d["title"] + "。" + d["body"])
        add_times.append(time.perf_counter() - started)
    after_add = []
    for _, q in queries[:50]:
        started = time.perf_counter()
        index.query(q, k=10)
        after_add.append(time.perf_counter() - started)
    long_a = "".join(d["body"] for d in docs[:10])[:2500]
    long_b = long_a[300:1500] + "".join(d["body"] for d in docs[10:20])[:1300]
    sp_times = []
    for _ in range(20):
        started = time.perf_counter()
        shared_passages(long_a, long_b)
        sp_times.append(time.perf_counter() - started)
    return {
        "docs": len(docs),
        "fit_s": round(fit_s, 1),
        "nnz": int(nnz),
        "query": percentiles(times),
        "query_after_adds": percentiles(after_add),
        "add": percentiles(add_times),
        "paraphrase_top1": round(hits1 / n_queries, 3),
        "paraphrase_top10": round(hits10 / n_queries, 3),
        "shared_passages_2500_chars": percentiles(sp_times),
    }


def bench_routing(docs: list[dict], n_train: int, n_queries: int) -> dict:
    train, test = docs[:n_train], docs[n_train : n_train + n_queries]
    started = time.perf_counter()
    model = RoutingModel().fit([(d["title"], d["body"]) for d in train], [d["label"] for d in train])
    fit_s = time.perf_counter() - started
    times = []
    for d in test:
        started = time.perf_counter()
        model.predict_top((d["title"], d["body"]), k=3)
        times.append(time.perf_counter() - started)
    blob = model.to_bytes()
    return {
        "train": n_train,
        "fit_s": round(fit_s, 1),
        "predict": percentiles(times),
        "model_bytes": len(blob),
        "labels": len(model.labels_),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=200_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--routing-train", type=int, default=20_000)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--only", choices=["segmentation", "routing", "similarity"], help="run one part")
    args = parser.parse_args()
    started = time.perf_counter()
    docs = list(generate(args.docs))
    gen_s = time.perf_counter() - started
    texts = [d["title"] + "。" + d["body"] for d in docs[:20_000]]
    result = {
        "machine": {
            "python": platform.python_version(),
            "cpu": platform.processor() or platform.machine(),
            "platform": platform.platform(),
        },
        "corpus": {
            "docs": len(docs),
            "mean_chars": round(statistics.mean(len(d["body"]) for d in docs)),
            "generate_s": round(gen_s, 1),
        },
    }
    parts = {
        "segmentation": lambda: bench_segmentation(texts),
        "routing": lambda: bench_routing(docs, args.routing_train, args.queries),
        "similarity": lambda: bench_similarity(docs, args.queries),
    }
    for name, run in parts.items():
        if args.only in (None, name):
            result[name] = run()
    print(json.dumps(result, ensure_ascii=False, indent=None if args.json else 2))


if __name__ == "__main__":
    main()
