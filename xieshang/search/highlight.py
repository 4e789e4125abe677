"""Highlighting on the original text, the same for both back-ends: escape first, then wrap terms in <mark>.

Terms come normalized (NFKC, lower case); the original may hold full-width letters or capitals. Each original
character is normalized on its own and the offsets are mapped back, so the reader sees their own text marked.
"""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .text.segment import normalize

_SPACES = re.compile(r"\s+")


def _normalized(text: str) -> tuple[str, list[int] | None]:
    """The normalized text and, when normalization changed its length, the original offset of each character."""
    norm = normalize(text)
    if len(norm) == len(text):
        # NFKC and lower() map CJK, ASCII and full-width forms one to one: offsets are unchanged (the usual case).
        return norm, None
    pieces: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        n = normalize(ch)
        pieces.append(n)
        origin.extend([i] * len(n))
    return "".join(pieces), origin


def _spans(text: str, terms: list[str], normalized=None) -> list[tuple[int, int]]:
    if not text or not terms:
        return []
    norm, origin = normalized or _normalized(text)
    pattern = re.compile("|".join(re.escape(t) for t in sorted(set(terms), key=len, reverse=True) if t))
    spans: list[tuple[int, int]] = []
    for m in pattern.finditer(norm):
        if origin is None:
            start, end = m.span()
        else:
            start, end = origin[m.start()], origin[m.end() - 1] + 1
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((start, end))
    return spans


def _render(text: str, spans: list[tuple[int, int]], start: int = 0, end: int | None = None) -> str:
    end = len(text) if end is None else end
    out, pos = [], start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        out.append(escape(text[pos:s]))
        out.append(f"<mark>{escape(text[s:e])}</mark>")
        pos = e
    out.append(escape(text[pos:end]))
    return "".join(out)


def highlight(text: str, terms: list[str]) -> SafeString:
    return mark_safe(_render(text, _spans(text, terms)))  # noqa: S308 - every piece went through escape()


def snippet(text: str, terms: list[str], width: int = 120) -> SafeString:
    """About ``width`` characters of ``text`` around the passage that holds the most distinct terms."""
    text = _SPACES.sub(" ", text or "").strip()
    normalized = _normalized(text)
    spans = _spans(text, terms, normalized)
    if len(text) <= width:
        return mark_safe(_render(text, spans))  # noqa: S308
    best_start, best_score = 0, -1
    lowered = normalized[0]
    for s, _e in spans[:50]:
        start = max(0, s - width // 5)
        window = lowered[start : start + width]
        score = sum(1 for t in set(terms) if t in window)
        if score > best_score:
            best_start, best_score = start, score
    start = min(best_start, max(0, len(text) - width))
    end = min(len(text), start + width)
    body = _render(text, spans, start, end)
    return mark_safe(("…" if start > 0 else "") + body + ("…" if end < len(text) else ""))  # noqa: S308
