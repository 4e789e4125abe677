"""Index text: the segmenter's words plus every dictionary word inside each long word.

Why not ``Segmenter.to_index_text`` alone: its search mode adds only the 2- and 3-character dictionary words inside a
long word (jieba's cut_for_search), while a query is cut into longest words. 老旧小区改造 is indexed as
小区 改造 老旧小区改造, so the query 老旧小区 (itself a dictionary word) would never find it. Adding all dictionary
sub-words of each word (Segmenter.sub_words: never across the boundaries of the cut, so 托育 still does not match
委托育儿) makes every query word that lies inside an indexed word findable.
"""

from __future__ import annotations

from xieshang.core import caches

from .text.segment import Segmenter

_CACHE_MAX = 200_000
_cache: dict[str, tuple[str, ...]] = {}
_cache_owner: list[object] = [None]


def _sub_words(segmenter: Segmenter, word: str) -> tuple[str, ...]:
    owner = (id(segmenter), segmenter.version)
    if _cache_owner[0] != owner or len(_cache) > _CACHE_MAX:
        # A dictionary edit changes the words (version) or replaces the segmenter: start over.
        _cache.clear()
        _cache_owner[0] = owner
    sub = _cache.get(word)
    if sub is None:
        sub = tuple(segmenter.sub_words(word))
        _cache[word] = sub
    return sub


def index_text(segmenter: Segmenter, text: str) -> str:
    if not text:
        return ""
    out: list[str] = []
    for word in segmenter.terms(text):
        if len(word) >= 3:
            out.extend(_sub_words(segmenter, word))
        out.append(word)
    return " ".join(out)


def forget() -> None:
    _cache.clear()
    _cache_owner[0] = None


caches.register("search.tokens", forget)
