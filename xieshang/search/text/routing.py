"""Suggest the handling unit (承办单位) of a proposal from past assignments, or from unit keywords when history is
thin.

The model reads title and body separately: titles are short and dense (望文定案 — staff often route by the title), but a
title such as 关于解决群众急难愁盼问题的建议 names no unit, so the body's words count too, through their own
features. Each part is represented by character 1-3-grams (robust to segmentation, typos and unseen words) plus
dictionary words and word bigrams (so 市场监管局 and 加装电梯 act as single strong features), in one sublinear TF-IDF
space. A linear SVM with strong regularisation (C=0.2) and balanced class weights ranks the units; its margins are
turned into probabilities by a softmax whose temperature is fitted on out-of-fold margins (temperature scaling keeps
the ranking and makes the confidence staff see mean what it says).

Why this and not the multinomial logistic regression at C=20 used before: on messages written in wordings the model
never saw in training (bench/search, grouped folds) the weakly regularised model fell below a plain character
n-gram + LinearSVC baseline (0.84 against 0.89); the strongly regularised SVM on word + character features is above it
(0.93). See bench/search/README.md and docs/decisions/0024-chinese-text-routing-similarity-keywords.md.

It only suggests; staff assign.
"""

from __future__ import annotations

import io
import pickle
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Literal

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.svm import LinearSVC

from .segment import Segmenter, clean, default_segmenter, load_stopwords

__all__ = ["KeywordRouter", "RoutingModel", "Text", "split_title_body", "unit_name_keywords", "using_segmenter"]

# The segmenter of the word features. A pickled model names its analyzer (_route_features) by module path, so the
# segmenter cannot travel inside the model: the caller says which one applies (the organization's run-time dictionary,
# search.dictionary.current_segmenter) around fit and predict; without one, the shipped dictionary.
_segmenter_var: ContextVar[Segmenter | None] = ContextVar("routing_segmenter", default=None)


@contextmanager
def using_segmenter(segmenter: Segmenter | None) -> Iterator[None]:
    token = _segmenter_var.set(segmenter)
    try:
        yield
    finally:
        _segmenter_var.reset(token)


def _segmenter() -> Segmenter:
    return _segmenter_var.get() or default_segmenter()


# A proposal as (title, body), or one string that is all body.
Text = str | tuple[str, str]
Method = Literal["classifier", "keywords", "none"]

_NAME_PREFIX = re.compile(r"^(?:.{2,3}[市区县]|[市区县省])")
_NAME_SUFFIX = re.compile(r"(?:委员会|办公室|管理局|事务局|中心|支队|大队|公司|集团|局|委|办)$")
_GENERIC_NAME_WORDS = frozenset(
    {"市", "区", "县", "局", "委", "委员会", "办公室", "管理", "中心", "事务", "和", "与", "及"}
)


def split_title_body(text: Text) -> tuple[str, str]:
    if isinstance(text, tuple):
        title, body = text
        return title or "", body or ""
    return "", text or ""


def unit_name_keywords(name: str) -> list[str]:
    """Keywords implied by a unit's name: 市住房和城乡建设局 → itself, 住房和城乡建设, 住房, 城乡, 建设.

    Deliberately broad words (建设) get little weight in ``KeywordRouter`` because they are short and shared."""
    words = [name]
    # Once per side: 市市场监督管理局 must lose one 市, not two.
    core = _NAME_SUFFIX.sub("", _NAME_PREFIX.sub("", name, count=1), count=1)
    if len(core) >= 2 and core != name:
        words.append(core)
    for w in _segmenter().cut(core):
        if len(w) >= 2 and w not in _GENERIC_NAME_WORDS:
            words.append(w)
    return list(dict.fromkeys(words))


class KeywordRouter:
    """Rule-based suggestions from {unit: [keywords]}: counts keyword occurrences (title counted twice), weights each
    by its length (a long keyword is a specific one) and by how few units share it, and reports shares of the total
    as confidence. The Django layer feeds it from the units' names and their keyword lists."""

    def __init__(self, units: Mapping[str, Iterable[str]], *, include_names: bool = True) -> None:
        self.units: dict[str, list[str]] = {}
        for unit, keywords in units.items():
            kws = [k.strip() for k in keywords if k and k.strip()]
            if include_names:
                kws = unit_name_keywords(unit) + kws
            self.units[unit] = list(dict.fromkeys(kws))
        owners: dict[str, set[str]] = {}
        for unit, kws in self.units.items():
            for kw in kws:
                owners.setdefault(kw, set()).add(unit)
        self._weights = {kw: {u: len(kw) / len(us) for u in us} for kw, us in owners.items()}
        keys = sorted(owners, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, keys))) if keys else None

    def scores(self, text: Text) -> Counter[str]:
        title, body = split_title_body(text)
        totals: Counter[str] = Counter()
        if self._pattern is None:
            return totals
        for part, factor in ((title, 2.0), (body, 1.0)):
            for m in self._pattern.finditer(part):
                for unit, w in self._weights[m.group()].items():
                    totals[unit] += w * factor
        return totals

    def _transform(self, texts: Sequence[Text]) -> sp.csr_matrix:
        """TfidfVectorizer.transform (sublinear tf, idf, l2) for few texts, without its per-call overhead."""
        vectorizer = self._vectorizer
        vocab, idf = vectorizer.vocabulary_, vectorizer.idf_
        indptr, indices, data = [0], [], []
        for text in texts:
            ids = [i for i in map(vocab.get, _route_features(split_title_body(text))) if i is not None]
            cols, counts = np.unique(np.asarray(ids, dtype=np.int64), return_counts=True)
            weights = (1.0 + np.log(counts)) * idf[cols]
            norm = np.sqrt(np.dot(weights, weights))
            indices.append(cols)
            data.append(weights / norm if norm else weights)
            indptr.append(indptr[-1] + len(cols))
        return sp.csr_matrix(
            (np.concatenate(data), np.concatenate(indices), indptr), shape=(len(texts), len(idf)), dtype=np.float32
        )

    def predict_top(self, text: Text, k: int = 3) -> list[tuple[str, float]]:
        totals = self.scores(text)
        s = sum(totals.values())
        if not s:
            return []
        ranked = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:k]
        return [(unit, score / s) for unit, score in ranked]


_NON_WORD = re.compile(r"[\W_]+")


# Framing shared by most titles (关于……的建议, 反映……问题): as character n-grams it would weigh as much as the topic
# in a short title.
_TITLE_FRAME = re.compile(r"^(?:关于|对于|建议|请求|恳请|反映|要求)|(?:的)?(?:建议|提案|意见|问题|请求|诉求)[。！!]?$")


def _route_features(doc: tuple[str, str]) -> list[str]:
    """Features of one (title, body): character 1-3-grams, dictionary words (``w:``) and word bigrams (``b:``) of
    title + body, and the title alone again, prefixed (``t:``). Module-level so that a pickled model refers to it by
    name; one analyzer for all groups so that prediction costs one pass."""
    title, body = doc
    title = _TITLE_FRAME.sub("", title.strip())
    stop = _stopwords()
    seg = _segmenter()
    feats: list[str] = []
    # List comprehensions rather than generators into extend(): prediction latency is this loop (bench_text.py).
    text = f"{title}\n{body}" if title else body
    if text:
        cleaned = clean(text)
        for run in cleaned.split():
            feats += run
            feats += [run[i : i + 2] for i in range(len(run) - 1)]
            feats += [run[i : i + 3] for i in range(len(run) - 2)]
        words = [w for w in " ".join(seg.cut(cleaned)).split() if w not in stop]
        feats += ["w:" + w for w in words if len(w) >= 2]
        feats += [f"b:{a}_{b}" for a, b in zip(words, words[1:], strict=False)]
    if title:
        cleaned = clean(title)
        for run in cleaned.split():
            feats += ["t:" + ch for ch in run]
            feats += ["t:" + run[i : i + 2] for i in range(len(run) - 1)]
            feats += ["t:" + run[i : i + 3] for i in range(len(run) - 2)]
        feats += ["t:w:" + w for w in " ".join(seg.cut(cleaned)).split() if len(w) >= 2 and w not in stop]
    return feats


_STOP: frozenset[str] | None = None


def _stopwords() -> frozenset[str]:
    global _STOP
    if _STOP is None:
        _STOP = load_stopwords()
    return _STOP


class RoutingModel:
    """Learned handling-unit suggestions with a keyword fallback.

    ``method`` tells which path answers: ``classifier`` once ``fit`` saw at least ``min_examples`` examples of at
    least two units, otherwise ``keywords`` (if a ``KeywordRouter`` was given) or ``none`` (no suggestion).
    """

    def __init__(
        self,
        *,
        keyword_router: KeywordRouter | None = None,
        min_examples: int = 30,
        C: float = 0.2,
        max_features: int = 200_000,
    ) -> None:
        self.max_features = max_features
        self.keyword_router = keyword_router
        self.min_examples = min_examples
        self.C = C
        self.method: Method = "keywords" if keyword_router else "none"
        self.n_examples = 0
        self.labels_: list[str] = []
        self._vectorizer: TfidfVectorizer | None = None
        self._clf: LinearSVC | None = None
        self.temperature = 1.0

    def fit(self, texts: Sequence[Text], labels: Sequence[str]) -> RoutingModel:
        if len(texts) != len(labels):
            raise ValueError(f"{len(texts)} texts but {len(labels)} labels")
        pairs = [(t, str(lab)) for t, lab in zip(texts, labels, strict=True) if lab not in (None, "")]
        self.n_examples = len(pairs)
        distinct = sorted({lab for _, lab in pairs})
        if len(pairs) < self.min_examples or len(distinct) < 2:
            self._clf = None
            self._vectorizer = None
            self.labels_ = distinct
            self.method = "keywords" if self.keyword_router else "none"
            return self
        # Bounded vocabulary: the coefficient matrix is units x features, and it is stored in the database.
        vectorizer = TfidfVectorizer(
            analyzer=_route_features,
            sublinear_tf=True,
            min_df=1 if len(pairs) < 1000 else 2,
            max_features=self.max_features,
            dtype=np.float32,
        )
        X = vectorizer.fit_transform([split_title_body(t) for t, _ in pairs])
        y = [lab for _, lab in pairs]
        clf = LinearSVC(C=self.C, class_weight="balanced")
        self.temperature = _fit_temperature(clf, X, y)
        clf.fit(X, y)
        clf.coef_ = clf.coef_.astype(np.float32)
        self._clf = clf
        self._vectorizer = vectorizer
        self.labels_ = list(clf.classes_)
        self.method = "classifier"
        return self

    def predict_proba(self, texts: Sequence[Text]) -> np.ndarray:
        if self._clf is None:
            raise RuntimeError("no classifier: too little history (see .method)")
        X = self._transform(texts)
        # softmax of the tempered decision function, computed here without sklearn's
        # per-call input validation (a third of the latency for one short text).
        decision = np.asarray(X @ self._clf.coef_.T) + self._clf.intercept_
        if decision.shape[1] == 1:
            decision = np.column_stack([-decision[:, 0], decision[:, 0]])
        # Models stored before temperature scaling have none: plain softmax.
        decision /= getattr(self, "temperature", 1.0)
        decision -= decision.max(axis=1, keepdims=True)
        np.exp(decision, out=decision)
        decision /= decision.sum(axis=1, keepdims=True)
        return decision

    def _transform(self, texts: Sequence[Text]) -> sp.csr_matrix:
        """TfidfVectorizer.transform (sublinear tf, idf, l2) for few texts, without its per-call overhead."""
        vectorizer = self._vectorizer
        vocab, idf = vectorizer.vocabulary_, vectorizer.idf_
        indptr, indices, data = [0], [], []
        for text in texts:
            ids = [i for i in map(vocab.get, _route_features(split_title_body(text))) if i is not None]
            cols, counts = np.unique(np.asarray(ids, dtype=np.int64), return_counts=True)
            weights = (1.0 + np.log(counts)) * idf[cols]
            norm = np.sqrt(np.dot(weights, weights))
            indices.append(cols)
            data.append(weights / norm if norm else weights)
            indptr.append(indptr[-1] + len(cols))
        return sp.csr_matrix(
            (np.concatenate(data), np.concatenate(indices), indptr), shape=(len(texts), len(idf)), dtype=np.float32
        )

    def predict_top(self, text: Text, k: int = 3) -> list[tuple[str, float]]:
        """Up to ``k`` (unit, confidence) suggestions, best first; [] when there is nothing to go on."""
        if self._clf is None:
            return self.keyword_router.predict_top(text, k) if self.keyword_router else []
        proba = self.predict_proba([text])[0]
        order = np.argsort(-proba)[:k]
        return [(str(self._clf.classes_[i]), float(proba[i])) for i in order]

    def predict_top_many(self, texts: Sequence[Text], k: int = 3) -> list[list[tuple[str, float]]]:
        if self._clf is None:
            return [self.predict_top(t, k) for t in texts]
        proba = self.predict_proba(texts)
        classes = self._clf.classes_
        out = []
        for row in proba:
            order = np.argsort(-row)[:k]
            out.append([(str(classes[i]), float(row[i])) for i in order])
        return out

    def to_bytes(self) -> bytes:
        buf = io.BytesIO()
        pickle.dump({"version": 1, "model": self}, buf, protocol=pickle.HIGHEST_PROTOCOL)
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> RoutingModel:
        # Only load bytes this application wrote itself: pickle runs code on load.
        state = pickle.loads(data)  # noqa: S301
        if not isinstance(state, dict) or state.get("version") != 1 or not isinstance(state.get("model"), cls):
            raise ValueError("not a serialized RoutingModel")
        return state["model"]


def _softmax_nll(decision: np.ndarray, truth: np.ndarray, temperature: float) -> float:
    z = decision / temperature
    z = z - z.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return float(-log_p[np.arange(len(truth)), truth].mean())


def _fit_temperature(clf: LinearSVC, X: sp.csr_matrix, y: list[str]) -> float:
    """The softmax temperature that makes out-of-fold margins best calibrated (least log loss); 1.0 when some unit
    has fewer than 3 examples (no honest out-of-fold margins)."""
    _, truth, counts = np.unique(np.asarray(y), return_inverse=True, return_counts=True)
    if counts.min() < 3:
        return 1.0
    folds = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)
    decision = cross_val_predict(clf, X, y, cv=folds, method="decision_function")
    decision = np.asarray(decision, dtype=np.float64)
    if decision.ndim == 1:
        decision = np.column_stack([-decision, decision])
    # A coarse-to-fine search over log T: the loss is smooth and one-dimensional.
    grid = np.exp(np.linspace(np.log(0.01), np.log(10.0), 61))
    losses = [_softmax_nll(decision, truth, t) for t in grid]
    best = int(np.argmin(losses))
    fine = np.exp(np.linspace(np.log(grid[max(best - 1, 0)]), np.log(grid[min(best + 1, len(grid) - 1)]), 41))
    return float(min(fine, key=lambda t: _softmax_nll(decision, truth, t)))
