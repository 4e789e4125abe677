"""Related words (相近词) for a search that found nothing: real words that occur with the query's words.

Only words that the segmenter cut out of indexed documents qualify (so every suggestion is a word of the corpus, in
the segmenter's vocabulary), and they are ranked by how often they share a document with a query word, weighted by
how specific they are (log inverse document frequency over the sample). A candidate that is a substring of a query
word, or contains one, is never offered (郑州 must not suggest 郑州市 or 州市): the old suggestions glued dictionary
entries that shared characters with the query (郑州市人办), which are not words anyone searches for.

A query word that occurs nowhere (a typo: 电悌) gets the corpus words of the same length that differ from it in one
character (电梯), most frequent first.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence

from .keywords import is_content_term

__all__ = ["related_words", "whole_words"]


def _one_substitution(a: str, b: str) -> bool:
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) == 1


def whole_words(tokens: Sequence[str]) -> list[str]:
    """The words of an index text without the sub-words search mode put before each long word (老旧, 小区 before
    老旧小区): a sub-word is never a suggestion of its own (州市 out of 郑州市)."""
    out: list[str] = []
    longer = ""
    for token in reversed(tokens):
        if len(token) < len(longer) and token in longer:
            continue
        longer = token
        out.append(token)
    out.reverse()
    return out


def related_words(
    query_terms: Sequence[str],
    documents: Iterable[Iterable[str]],
    *,
    stopwords: frozenset[str],
    is_word: Callable[[str], bool] = lambda w: True,
    limit: int = 5,
) -> list[str]:
    """Up to ``limit`` related words, best first.

    ``documents``: the index terms of a sample of indexed documents (those that contain a query word, and others),
    in search mode (``Segmenter.terms(search=True)``); ``is_word``: whether the segmenter's vocabulary knows a word
    (the base dictionary or a user word)."""
    terms = [t for t in dict.fromkeys(query_terms) if t]
    if not terms:
        return []
    df: Counter[str] = Counter()
    co: Counter[str] = Counter()
    n = 0
    for tokens in documents:
        tokens = list(tokens)
        present = set(tokens)  # a query word may be a sub-word (电梯 inside 加装电梯)
        words = set(whole_words(tokens))
        n += 1
        df.update(present)
        if any(t in present for t in terms):
            co.update(words)

    def allowed(word: str) -> bool:
        return (
            word not in terms
            and not any(word in t or t in word for t in terms)
            and is_content_term(word, stopwords)
            and is_word(word)
        )

    scores: dict[str, float] = {}
    for word, together in co.items():
        if allowed(word):
            scores[word] = together * math.log((1 + n) / df[word])
    ranked = sorted(scores, key=lambda w: (-scores[w], w))
    missing = [t for t in terms if df[t] == 0]
    if missing:
        near = [w for w in df if allowed(w) and any(_one_substitution(w, t) for t in missing)]
        ranked = sorted(near, key=lambda w: (-df[w], w)) + [w for w in ranked if w not in near]
    return ranked[:limit]
