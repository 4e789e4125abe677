"""Chinese word segmentation on top of rjieba, with a run-time editable user dictionary.

rjieba (jieba-rs) takes user words with a frequency, but a frequency only biases its best-path search: 住建局 still
loses to 市住 + 建局 inside 市住建局. So user words of ``protect_min_len`` characters or more are also found by a trie
regex (leftmost-longest); when rjieba's cut split one of them, the text is re-cut around the protected words. Shorter
user words only get a frequency, so that context can still decide (托育 must not swallow 委托育儿).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import accumulate
from pathlib import Path

import rjieba

__all__ = [
    "DEFAULT_MAX_QUERY_TERMS",
    "Segmenter",
    "UserWord",
    "default_segmenter",
    "load_stopwords",
    "load_user_dictionary",
    "clean",
    "normalize",
    "parse_user_dictionary",
    "to_index_text",
    "to_query_terms",
]

DEFAULT_MAX_QUERY_TERMS = 32
# Queries are cut before capping the number of terms; bounding the characters first keeps a pasted 2,500-character
# proposal from costing a full segmentation on every keystroke.
MAX_QUERY_CHARS = 400
_SEARCH_CACHE_MAX = 200_000

# FTS5 treats these as operators only in upper case and PostgreSQL's websearch syntax in any case; they carry no
# meaning for Chinese search, so they are dropped whatever their case.
_FTS_KEYWORDS = frozenset({"and", "or", "not", "near"})
# Anything that is not a letter, digit or CJK ideograph separates terms. "_" is a word character for re but a separator
# for FTS5's unicode61 tokenizer, so it is treated as punctuation on both sides.
_NON_WORD = re.compile(r"[\W_]+")
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class UserWord:
    word: str
    freq: int | None = None
    tag: str | None = None


def _as_user_word(item: str | UserWord | tuple) -> UserWord:
    if isinstance(item, UserWord):
        return item
    if isinstance(item, str):
        return UserWord(item)
    if isinstance(item, tuple) and 1 <= len(item) <= 3:
        word = item[0]
        freq = int(item[1]) if len(item) > 1 and item[1] is not None else None
        tag = item[2] if len(item) > 2 else None
        return UserWord(word, freq, tag)
    raise TypeError(f"user word must be str, UserWord or (word[, freq[, tag]]), got {item!r}")


def parse_user_dictionary(lines: Iterable[str]) -> Iterator[UserWord]:
    """Parse jieba's user-dictionary format: ``word [freq] [tag]`` per line; ``#`` starts a comment."""
    for raw in lines:
        line = raw.strip().lstrip("\ufeff")
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        word, freq, tag = parts[0], None, None
        for extra in parts[1:3]:
            if extra.isdigit():
                freq = int(extra)
            else:
                tag = extra
        yield UserWord(word, freq, tag)


def load_user_dictionary(path: str | Path | None = None) -> list[UserWord]:
    """Words of a jieba-format file; without a path, the dictionary shipped with Xieshang."""
    if path is None:
        text = resources.files(__package__).joinpath("data/userdict.txt").read_text("utf-8")
    else:
        text = Path(path).read_text("utf-8-sig")
    return list(parse_user_dictionary(text.splitlines()))


@lru_cache(maxsize=1)
def _shipped_stopwords() -> frozenset[str]:
    text = resources.files(__package__).joinpath("data/stopwords.txt").read_text("utf-8")
    return frozenset(w for line in text.splitlines() if (w := line.strip()) and not w.startswith("#"))


def load_stopwords(path: str | Path | None = None, extra: Iterable[str] = ()) -> frozenset[str]:
    """The shipped Chinese + civic-boilerplate stop words (or a file's), plus ``extra``."""
    if path is None:
        words = set(_shipped_stopwords())
    else:
        lines = Path(path).read_text("utf-8-sig").splitlines()
        words = {w for line in lines if (w := line.strip()) and not w.startswith("#")}
    words.update(extra)
    return frozenset(words)


def normalize(text: str) -> str:
    """NFKC (full-width Latin and digits to half-width) and lower case, so ＡＢＣ, abc and ABC index alike."""
    # The quick check is ~1000x cheaper than NFKC itself on text that is already normalized.
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return text.lower()


def clean(text: str) -> str:
    """``normalize`` with every run of punctuation and space turned into one space.

    Punctuation goes first: Chinese text is full of full-width punctuation (，。：), which alone would send almost
    every text through the slow NFKC; without it, ordinary text passes the quick check."""
    text = _NON_WORD.sub(" ", text)
    if not unicodedata.is_normalized("NFKC", text):
        text = _NON_WORD.sub(" ", unicodedata.normalize("NFKC", text))
    return text.lower()


def _trie_pattern(words: Iterable[str]) -> re.Pattern[str] | None:
    """One regex whose alternation follows a character trie: re's C engine then matches leftmost-longest without
    trying thousands of alternatives at each position."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = True
    if not trie:
        return None

    def build(node: dict) -> str:
        end = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch != ""]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if end:
            # Greedy "?": try the longer continuation first, fall back to ending here.
            return ("(?:" + body + ")?") if len(branches) == 1 else body + "?"
        return body

    return re.compile(build(trie))


class Segmenter:
    """Jieba-compatible segmenter whose user dictionary can change while it runs.

    Each instance owns its rjieba dictionary, so two organizations' dictionaries never mix. Reads take a snapshot of
    the state and need no lock; edits are serialized. ``version`` increases on every effective edit: a caller that
    indexed text under an older version knows its index may be stale.
    """

    def __init__(self, user_words: Iterable[str | UserWord | tuple] = (), *, protect_min_len: int = 3) -> None:
        self.protect_min_len = protect_min_len
        self._lock = threading.Lock()
        self._words: dict[str, UserWord] = {}
        self._jieba = rjieba.Jieba()
        # Words the base dictionary already knew: removing such a word must restore the base frequency, which rjieba
        # cannot report, so removal rebuilds the dictionary instead of setting the frequency to zero.
        self._in_base: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        self._pattern_dirty = False
        self._search_cache: dict[str, list[str]] = {}
        self.version = 0
        for item in user_words:
            self._add(_as_user_word(item))
        self._refresh_pattern()

    @classmethod
    def with_default_dictionary(cls, extra_words: Iterable[str | UserWord | tuple] = ()) -> Segmenter:
        return cls([*load_user_dictionary(), *extra_words])

    # --- dictionary editing

    @property
    def user_words(self) -> list[UserWord]:
        return list(self._words.values())

    def __contains__(self, word: str) -> bool:
        return word in self._words

    def is_word(self, word: str) -> bool:
        """Whether the vocabulary knows ``word``: a user word or a word of rjieba's base dictionary."""
        return word in self._words or self._jieba.has_word(word)

    def add_word(self, word: str, freq: int | None = None, tag: str | None = None) -> None:
        """Add or update a user word; the next cut uses it."""
        uw = UserWord(word.strip(), freq, tag)
        if not uw.word:
            raise ValueError("empty user word")
        with self._lock:
            if self._words.get(uw.word) == uw:
                return
            self._add(uw)
            self._refresh_pattern()

    def remove_word(self, word: str) -> bool:
        """Forget a user word; returns False if it was not a user word."""
        with self._lock:
            uw = self._words.pop(word, None)
            if uw is None:
                return False
            if word in self._in_base:
                self._rebuild()
            else:
                # jieba's own del_word: frequency 0 never wins a path.
                self._jieba.add_word(word, 0, None)
            self.version += 1
            self._search_cache = {}
            self._refresh_pattern()
            return True

    def _add(self, uw: UserWord) -> None:
        if uw.word not in self._words and self._jieba.has_word(uw.word):
            self._in_base.add(uw.word)
        self._words[uw.word] = uw
        self._jieba.add_word(uw.word, uw.freq, uw.tag)
        self.version += 1
        self._search_cache = {}

    def _rebuild(self) -> None:
        jieba = rjieba.Jieba()
        in_base = set()
        for uw in self._words.values():
            if jieba.has_word(uw.word):
                in_base.add(uw.word)
            jieba.add_word(uw.word, uw.freq, uw.tag)
        self._jieba, self._in_base = jieba, in_base

    def _refresh_pattern(self) -> None:
        self._pattern = _trie_pattern(w for w in self._words if len(w) >= self.protect_min_len)

    # --- segmentation

    def _pieces(self, text: str) -> Iterator[tuple[str, bool]]:
        """Split text into (piece, is_protected_user_word)."""
        pattern = self._pattern
        if pattern is None:
            yield text, False
            return
        pos = 0
        for m in pattern.finditer(text):
            start = m.start()
            if start > pos:
                yield text[pos:start], False
            yield m.group(), True
            pos = m.end()
        if pos < len(text):
            yield text[pos:], False

    def cut(self, text: str, hmm: bool = True) -> list[str]:
        """Words of ``text`` in order; concatenated they give ``text`` back (punctuation and spaces included)."""
        return self._cut(text, hmm)[0]

    def _cut(self, text: str, hmm: bool) -> tuple[list[str], bool]:
        """(words, whether rjieba's own cut already kept every protected word whole)."""
        if not text:
            return [], True
        jieba = self._jieba
        pattern = self._pattern
        try:
            tokens = jieba.cut(text, hmm)
        except UnicodeEncodeError:
            # Lone surrogates (from broken clients) cannot cross into Rust; U+FFFD keeps every offset in place.
            text = _SURROGATE.sub("\ufffd", text)
            tokens = jieba.cut(text, hmm)
        if pattern is None:
            return tokens, True
        spans = [m.span() for m in pattern.finditer(text)]
        if not spans:
            return tokens, True
        # User words are also in rjieba's dictionary, so its cut usually keeps them whole already; checking that is
        # cheaper than cutting piece by piece. jieba's best path is optimal on each side of a fixed boundary, so the
        # slow path below returns the same words as the fast one whenever both apply.
        lengths = list(map(len, tokens))
        token_len_at = dict(zip(accumulate(lengths, initial=0), lengths, strict=False))
        if all(token_len_at.get(s) == e - s for s, e in spans):
            return tokens, True
        out: list[str] = []
        pos = 0
        for s, e in spans:
            if s > pos:
                out.extend(jieba.cut(text[pos:s], hmm))
            out.append(text[s:e])
            pos = e
        if pos < len(text):
            out.extend(jieba.cut(text[pos:], hmm))
        return out, False

    def sub_words(self, word: str) -> list[str]:
        """Every dictionary word of two characters or more strictly inside `word` (jieba's full mode), in order.

        Search mode adds only short sub-words; the index needs all of them so that a query word lying inside an
        indexed word (老旧小区 in 老旧小区改造) is found. Never crosses the boundaries of the cut it is given."""
        return list(dict.fromkeys(w for w in self._jieba.cut_all(word) if 2 <= len(w) < len(word)))

    def cut_for_search(self, text: str, hmm: bool = True) -> list[str]:
        """Like ``cut`` but long words are preceded by their dictionary sub-words (jieba's search mode), so a search
        for 小区改造 finds a text indexed with 老旧小区改造."""
        words, whole = self._cut(text, hmm)
        if whole:
            # rjieba's search mode expands exactly these words: one call in Rust instead of a loop here.
            try:
                return self._jieba.cut_for_search(text, hmm)
            except UnicodeEncodeError:
                pass
        cache = self._search_cache
        if len(cache) > _SEARCH_CACHE_MAX:
            cache = self._search_cache = {}
        jieba = self._jieba
        out: list[str] = []
        for word in words:
            if len(word) <= 2:
                out.append(word)
                continue
            sub = cache.get(word)
            if sub is None:
                sub = jieba.cut_for_search(word, hmm)
                if word not in sub:
                    sub = [w for w in sub if len(w) < len(word)] + [word]
                cache[word] = sub
            out.extend(sub)
        return out

    def tag(self, text: str, hmm: bool = True) -> list[tuple[str, str]]:
        """(word, POS) pairs; protected user words carry their dictionary tag (or ``x``)."""
        out: list[tuple[str, str]] = []
        for piece, protected in self._pieces(text):
            if protected:
                uw = self._words.get(piece)
                out.append((piece, (uw.tag if uw and uw.tag else "x")))
            else:
                out.extend(self._jieba.tag(piece, hmm))
        return out

    # --- index / query text

    def terms(self, text: str, *, search: bool = False) -> list[str]:
        """Normalized tokens: NFKC + lower case, split on punctuation/space, no empty strings."""
        # Normalized before cutting: jieba cuts full-width ＡＢＣ letter by letter but keeps ABC whole. Punctuation
        # becomes spaces first, so every token is either a clean term or blank and one split() separates them.
        text = clean(text)
        words = self.cut_for_search(text) if search else self.cut(text)
        return " ".join(words).split()

    def to_index_text(self, text: str) -> str:
        """Space-joined search-mode tokens for a full-text column (SQLite FTS5 unicode61, PostgreSQL 'simple')."""
        return " ".join(self.terms(text, search=True))

    def to_query_terms(
        self,
        query: str,
        *,
        max_terms: int = DEFAULT_MAX_QUERY_TERMS,
        stopwords: frozenset[str] | None = None,
    ) -> list[str]:
        """Plain search terms of a user's query, safe to quote into FTS5 MATCH or tsquery.

        Each term holds only letters, digits and ideographs; operators (AND/OR/NOT/NEAR, quotes, ``*``, ``^``,
        ``:``, parentheses, ``-``) never survive. Stop words are dropped unless nothing else is left, duplicates are
        dropped, and at most ``max_terms`` terms are returned. An empty or punctuation-only query gives [].
        """
        if not query or max_terms <= 0:
            return []
        stop = _shipped_stopwords() if stopwords is None else stopwords
        terms: list[str] = []
        seen: set[str] = set()
        for term in self.terms(query[:MAX_QUERY_CHARS]):
            if term in seen or term in _FTS_KEYWORDS:
                continue
            seen.add(term)
            terms.append(term)
        content = [t for t in terms if t not in stop]
        return (content or terms)[:max_terms]


_default: Segmenter | None = None
_default_lock = threading.Lock()


def default_segmenter() -> Segmenter:
    """A process-wide segmenter with the shipped dictionary (built once; about 0.2 s)."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = Segmenter.with_default_dictionary()
    return _default


def to_index_text(text: str, segmenter: Segmenter | None = None) -> str:
    return (segmenter or default_segmenter()).to_index_text(text)


def to_query_terms(
    query: str,
    segmenter: Segmenter | None = None,
    *,
    max_terms: int = DEFAULT_MAX_QUERY_TERMS,
    stopwords: frozenset[str] | None = None,
) -> list[str]:
    return (segmenter or default_segmenter()).to_query_terms(query, max_terms=max_terms, stopwords=stopwords)
