"""Offline evaluation of routing and similarity on any labeled file.

    python -m xieshang.search.text.evaluation routing --train T.csv --test E.csv [--json]
    python -m xieshang.search.text.evaluation similarity PAIRS.jsonl [--json]

Routing files are CSV with a header holding ``text`` and ``label`` (and optionally ``title``), UTF-8 with or without
BOM. Similarity files are JSONL, one {"a": text, "b": text, "label": 0|1} per line. A malformed file raises
``EvaluationDataError`` naming file, line and reason. Metrics are computed here (numpy), not by scikit-learn, so
tests can check them against scikit-learn's own.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .routing import RoutingModel, Text
from .similarity import SimilarityIndex

__all__ = [
    "EvaluationDataError",
    "accuracy",
    "best_f1",
    "evaluate_routing",
    "evaluate_similarity",
    "macro_f1",
    "read_pairs_jsonl",
    "read_routing_csv",
    "roc_auc",
    "top_k_accuracy",
]


class EvaluationDataError(ValueError):
    """A labeled file cannot be used; ``path``, ``line`` (1-based, or None for the whole file) and ``reason``."""

    def __init__(self, path: str | Path, line: int | None, reason: str) -> None:
        self.path, self.line, self.reason = str(path), line, reason
        where = f"{self.path}, line {line}" if line is not None else self.path
        super().__init__(f"{where}: {reason}")


def _read_text(path: str | Path) -> str:
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise EvaluationDataError(path, None, f"cannot read file ({exc.strerror or exc})") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise EvaluationDataError(path, line, "not UTF-8 text") from exc
    if not text.strip():
        raise EvaluationDataError(path, None, "empty file")
    return text


def read_routing_csv(path: str | Path) -> tuple[list[Text], list[str]]:
    """(texts, labels); a text is (title, text) when the file has a ``title`` column."""
    text = _read_text(path)
    reader = csv.DictReader(text.splitlines(keepends=True))
    header = [h.strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    missing = [c for c in ("text", "label") if c not in header]
    if missing:
        raise EvaluationDataError(path, 1, f"header lacks column(s) {', '.join(missing)} (has: {', '.join(header)})")
    has_title = "title" in header
    texts: list[Text] = []
    labels: list[str] = []
    for row in reader:
        line = reader.line_num
        if None in row:
            raise EvaluationDataError(path, line, f"more fields than the {len(header)} header columns")
        body, label = row.get("text"), row.get("label")
        if body is None or label is None:
            raise EvaluationDataError(path, line, "fewer fields than the header columns")
        label = label.strip()
        if not label:
            raise EvaluationDataError(path, line, "empty label")
        title = (row.get("title") or "").strip() if has_title else ""
        if not body.strip() and not title:
            raise EvaluationDataError(path, line, "empty text")
        texts.append((title, body) if has_title else body)
        labels.append(label)
    if not texts:
        raise EvaluationDataError(path, None, "no data rows after the header")
    return texts, labels


def read_pairs_jsonl(path: str | Path) -> tuple[list[str], list[str], np.ndarray]:
    text = _read_text(path)
    a_list: list[str] = []
    b_list: list[str] = []
    labels: list[int] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EvaluationDataError(path, number, f"bad JSON ({exc.msg} at column {exc.colno})") from exc
        if not isinstance(obj, dict):
            raise EvaluationDataError(path, number, "a line must be a JSON object")
        for key in ("a", "b", "label"):
            if key not in obj:
                raise EvaluationDataError(path, number, f'missing key "{key}"')
        if not isinstance(obj["a"], str) or not isinstance(obj["b"], str):
            raise EvaluationDataError(path, number, '"a" and "b" must be strings')
        label = obj["label"]
        if isinstance(label, bool) or label not in (0, 1):
            raise EvaluationDataError(path, number, f"label must be 0 or 1, got {label!r}")
        a_list.append(obj["a"])
        b_list.append(obj["b"])
        labels.append(int(label))
    if not labels:
        raise EvaluationDataError(path, None, "no pairs")
    return a_list, b_list, np.asarray(labels, dtype=np.int8)


# --- metrics


def accuracy(y_true: Sequence[str], y_pred: Sequence[str]) -> float:
    return float(np.mean([t == p for t, p in zip(y_true, y_pred, strict=True)])) if y_true else 0.0


def top_k_accuracy(y_true: Sequence[str], ranked: Sequence[Sequence[str]], k: int = 3) -> float:
    hits = [t in list(r)[:k] for t, r in zip(y_true, ranked, strict=True)]
    return float(np.mean(hits)) if hits else 0.0


def macro_f1(y_true: Sequence[str], y_pred: Sequence[str]) -> float:
    """Unweighted mean of per-label F1 over labels present in truth or predictions (0 where undefined)."""
    labels = sorted(set(y_true) | set(y_pred))
    if not labels:
        return 0.0
    scores = []
    for label in labels:
        tp = sum(t == label and p == label for t, p in zip(y_true, y_pred, strict=True))
        fp = sum(t != label and p == label for t, p in zip(y_true, y_pred, strict=True))
        fn = sum(t == label and p != label for t, p in zip(y_true, y_pred, strict=True))
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return float(np.mean(scores))


def roc_auc(labels: np.ndarray, scores: np.ndarray) -> float | None:
    """Probability that a positive pair outscores a negative one (ties count half); None without both classes."""
    labels = np.asarray(labels)
    scores = np.asarray(scores, dtype=np.float64)
    n_pos = int((labels == 1).sum())
    n_neg = len(labels) - n_pos
    if n_pos == 0 or n_neg == 0:
        return None
    order = np.argsort(scores, kind="mergesort")
    sorted_scores = scores[order]
    ranks = np.empty(len(scores), dtype=np.float64)
    # Average ranks over ties.
    _, first, counts = np.unique(sorted_scores, return_index=True, return_counts=True)
    avg = first + (counts + 1) / 2.0
    ranks[order] = np.repeat(avg, counts)
    return float((ranks[labels == 1].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def best_f1(labels: np.ndarray, scores: np.ndarray) -> tuple[float, float | None]:
    """(best F1, threshold): predicting 1 when score >= threshold, over every distinct score as threshold."""
    labels = np.asarray(labels)
    scores = np.asarray(scores, dtype=np.float64)
    n_pos = int((labels == 1).sum())
    if n_pos == 0:
        return 0.0, None
    order = np.argsort(-scores, kind="mergesort")
    s, y = scores[order], labels[order]
    tp = np.cumsum(y == 1)
    fp = np.cumsum(y != 1)
    last_of_tie = np.r_[s[1:] != s[:-1], True]
    tp, fp, thresholds = tp[last_of_tie], fp[last_of_tie], s[last_of_tie]
    f1 = 2 * tp / (tp + fp + n_pos)
    i = int(np.argmax(f1))
    return float(f1[i]), float(thresholds[i])


# --- evaluations


def evaluate_routing(
    train_path: str | Path, test_path: str | Path, *, model: RoutingModel | None = None, k: int = 3
) -> dict:
    """Train on one file, predict the other: {"n", "accuracy", "top3", "macro_f1", "seconds", "method"}."""
    started = time.perf_counter()
    train_texts, train_labels = read_routing_csv(train_path)
    test_texts, test_labels = read_routing_csv(test_path)
    model = model or RoutingModel()
    model.fit(train_texts, train_labels)
    ranked = [[label for label, _ in top] for top in model.predict_top_many(test_texts, k=k)]
    predicted = [r[0] if r else "" for r in ranked]
    return {
        "n": len(test_labels),
        "accuracy": accuracy(test_labels, predicted),
        f"top{k}": top_k_accuracy(test_labels, ranked, k),
        "macro_f1": macro_f1(test_labels, predicted),
        "seconds": round(time.perf_counter() - started, 3),
        "method": model.method,
    }


def evaluate_similarity(pairs_path: str | Path, *, index: SimilarityIndex | None = None) -> dict:
    """Score every pair: {"n", "auc", "best_f1", "threshold", "seconds"}.

    Without an index, IDF is fitted on the file's own texts, as a deployed index would be on the proposals."""
    started = time.perf_counter()
    a_list, b_list, labels = read_pairs_jsonl(pairs_path)
    if index is None:
        texts = list(dict.fromkeys(a_list + b_list))
        index = SimilarityIndex().fit(list(enumerate(texts)))
    scores = np.array([index.similarity(a, b) for a, b in zip(a_list, b_list, strict=True)])
    f1, threshold = best_f1(labels, scores)
    return {
        "n": len(labels),
        "auc": roc_auc(labels, scores),
        "best_f1": f1,
        "threshold": threshold,
        "seconds": round(time.perf_counter() - started, 3),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m xieshang.search.text.evaluation")
    sub = parser.add_subparsers(dest="command", required=True)
    p_routing = sub.add_parser("routing", help="train on --train, report on --test (CSV: text,label[,title])")
    p_routing.add_argument("--train", required=True)
    p_routing.add_argument("--test", required=True)
    p_routing.add_argument("--json", action="store_true")
    p_sim = sub.add_parser("similarity", help="score labeled pairs (JSONL: a, b, label)")
    p_sim.add_argument("pairs")
    p_sim.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    try:
        if args.command == "routing":
            result = evaluate_routing(args.train, args.test)
        else:
            result = evaluate_similarity(args.pairs)
    except EvaluationDataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        for key, value in result.items():
            print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
