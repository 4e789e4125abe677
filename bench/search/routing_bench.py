"""Routing: the product's model against the plain baseline on the same folds.

    .venv/bin/python bench/search/routing_bench.py [--data bench/search/data/residents.csv] [--folds 5] [--json]

Baseline: character 1-3-gram TF-IDF (sublinear) + LinearSVC, ranked by its decision function (the usual strong
baseline for short Chinese texts). Product: xieshang.search.text.routing.RoutingModel, exactly as the app trains it.

Two fold schemes on the same file: ``stratified`` (5-fold, shuffled, by label) and, when the file has a ``wording``
column, ``unseen-wording`` (5-fold grouped by the problem phrasing, so that every test message is written in a
wording the model never saw in training: the closer proxy for messages from elsewhere).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import numpy as np  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold  # noqa: E402
from sklearn.svm import LinearSVC  # noqa: E402

from xieshang.search.text.evaluation import accuracy, macro_f1, top_k_accuracy  # noqa: E402
from xieshang.search.text.routing import RoutingModel  # noqa: E402

DATA = Path(__file__).resolve().parent / "data" / "residents.csv"


class Baseline:
    def fit(self, texts, labels):
        self.vec = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=1)
        self.clf = LinearSVC(C=1.0).fit(self.vec.fit_transform(texts), labels)
        return self

    def ranked(self, texts, k=3):
        d = self.clf.decision_function(self.vec.transform(texts))
        return [[str(self.clf.classes_[i]) for i in np.argsort(-row)[:k]] for row in d]


class Product:
    def fit(self, texts, labels):
        self.model = RoutingModel().fit(texts, labels)
        return self

    def ranked(self, texts, k=3):
        return [[u for u, _ in top] for top in self.model.predict_top_many(texts, k=k)]


def read(path: Path) -> tuple[list[str], list[str], list[str] | None]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    groups = [r["wording"] for r in rows] if rows and "wording" in rows[0] else None
    return [r["text"] for r in rows], [r["label"] for r in rows], groups


def run(texts, labels, folds) -> dict:
    out = {}
    for name, cls in (("baseline", Baseline), ("product", Product)):
        truth, ranked, seconds = [], [], 0.0
        for train, test in folds:
            started = time.perf_counter()
            model = cls().fit([texts[i] for i in train], [labels[i] for i in train])
            ranked += model.ranked([texts[i] for i in test])
            seconds += time.perf_counter() - started
            truth += [labels[i] for i in test]
        predicted = [r[0] for r in ranked]
        out[name] = {
            "n": len(truth),
            "accuracy": round(accuracy(truth, predicted), 4),
            "top3": round(top_k_accuracy(truth, ranked, 3), 4),
            "macro_f1": round(macro_f1(truth, predicted), 4),
            "seconds": round(seconds, 2),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=str(DATA))
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    texts, labels, groups = read(Path(args.data))
    stratified = StratifiedKFold(args.folds, shuffle=True, random_state=args.seed)
    schemes = {"stratified": list(stratified.split(texts, labels))}
    if groups:
        grouped = StratifiedGroupKFold(args.folds, shuffle=True, random_state=args.seed)
        schemes["unseen-wording"] = list(grouped.split(texts, labels, groups))
    result = {name: run(texts, labels, folds) for name, folds in schemes.items()}
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return
    for scheme, models in result.items():
        for name, m in models.items():
            print(f"{scheme:15} {name:9} " + " ".join(f"{k}={v}" for k, v in m.items()))


if __name__ == "__main__":
    main()
