"""Keywords of a set of texts, for statistics pages (hot topics of the year, word clouds).

A keyword is a dictionary word of two characters or more that is not a stop word (the shipped list: function words,
civic boilerplate such as 建议/进一步/加强, report filler such as 部分/上年/增长/据统计, and residents' message filler
such as 您好/麻烦/反映), not a number and not a measure. Without a background the ranking is by frequency; with a
``background`` (all texts of the period, of which the group is a part) it is TF-IDF: how many of the group's texts
mention the word times log((1 + N) / (1 + df)) over the background, so that a word every text of the year uses
(工作, 发展 if the stop list missed them) sinks and the words that set the group apart rise."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from .segment import Segmenter, default_segmenter, load_stopwords

__all__ = ["DocumentFrequencies", "is_content_term", "top_terms"]

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


@dataclass(frozen=True)
class DocumentFrequencies:
    """How many of ``n`` background texts contain each term: computed once, shared by every group's ranking."""

    df: Counter[str]
    n: int

    @classmethod
    def of_texts(cls, texts: Iterable[str], segmenter: Segmenter | None = None) -> DocumentFrequencies:
        seg = segmenter or default_segmenter()
        df: Counter[str] = Counter()
        n = 0
        for text in texts:
            if text:
                n += 1
                df.update(set(seg.terms(text)))
        return cls(df, n)


def top_terms(
    texts: Iterable[str],
    n: int = 20,
    stopwords: Iterable[str] | None = None,
    *,
    segmenter: Segmenter | None = None,
    min_len: int = 2,
    per_document: bool = False,
    background: Iterable[str] | DocumentFrequencies | None = None,
) -> list[tuple[str, int]]:
    """The ``n`` most frequent content words as (term, count), most frequent first (ties: alphabetical).

    ``stopwords`` defaults to the shipped list (function words plus civic boilerplate such as 建议, 关于, 问题, 进一步,
    加强); pass a set to replace it, or ``load_stopwords(extra=...)`` to extend it. Single characters, numbers and
    punctuation never count. With ``per_document`` a term counts once per text (how many proposals mention it).
    With ``background`` the order is by TF-IDF against it (see the module docstring); counts stay counts.
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
    if background is None:
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
    if not isinstance(background, DocumentFrequencies):
        background = DocumentFrequencies.of_texts(background, seg)
    df, n_docs = background.df, background.n
    weight = {t: c * (math.log((1 + n_docs) / (1 + df[t])) + 1.0) for t, c in counts.items()}
    return sorted(counts.items(), key=lambda kv: (-weight[kv[0]], -kv[1], kv[0]))[:n]
