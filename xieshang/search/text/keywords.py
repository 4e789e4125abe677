"""Frequent terms of a set of texts, for statistics pages (hot topics of the year, word clouds)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from .segment import Segmenter, default_segmenter, load_stopwords

__all__ = ["is_content_term", "top_terms"]

# A term must hold at least one letter or ideograph: pure numbers (2023, 第3), ordinal fragments and punctuation say
# nothing about a topic.
_HAS_LETTER = re.compile(r"[^\W\d_]")
_NUMERIC = re.compile(r"^[\d\W_]*[\d][\d\W_]*$|^第?[一二三四五六七八九十百千万零\d]+[条号项点个是年月日]?$")


def is_content_term(term: str, stopwords: frozenset[str], min_len: int = 2) -> bool:
    return (
        len(term) >= min_len
        and term not in stopwords
        and _HAS_LETTER.search(term) is not None
        and _NUMERIC.match(term) is None
    )


def top_terms(
    texts: Iterable[str],
    n: int = 20,
    stopwords: Iterable[str] | None = None,
    *,
    segmenter: Segmenter | None = None,
    min_len: int = 2,
    per_document: bool = False,
) -> list[tuple[str, int]]:
    """The ``n`` most frequent content words as (term, count), most frequent first (ties: alphabetical).

    ``stopwords`` defaults to the shipped list (function words plus civic boilerplate such as 建议, 关于, 问题, 进一步,
    加强); pass a set to replace it, or ``load_stopwords(extra=...)`` to extend it. Single characters, numbers and
    punctuation never count. With ``per_document`` a term counts once per text (how many proposals mention it).
    """
    seg = segmenter or default_segmenter()
    stop = load_stopwords() if stopwords is None else frozenset(stopwords)
    counts: Counter[str] = Counter()
    verdict: dict[str, bool] = {}
    for text in texts:
        if not text:
            continue
        words = seg.terms(text)
        if per_document:
            words = set(words)
        for word in words:
            ok = verdict.get(word)
            if ok is None:
                ok = verdict[word] = is_content_term(word, stop, min_len)
            if ok:
                counts[word] += 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
