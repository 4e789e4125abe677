"""Showing an author what the editors changed: an inline diff by character, as Chinese text has no word spaces."""

from __future__ import annotations

from difflib import SequenceMatcher

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def inline_diff(old: str, new: str) -> SafeString:
    """HTML with <del> for removed and <ins> for added text; everything else escaped."""
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    parts = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape(old[i1:i2]))
            continue
        if op in ("delete", "replace"):
            parts.append(f"<del>{escape(old[i1:i2])}</del>")
        if op in ("insert", "replace"):
            parts.append(f"<ins>{escape(new[j1:j2])}</ins>")
    # Safe: every piece of text above went through escape().
    return mark_safe("".join(parts).replace("\n", "<br>\n"))  # noqa: S308


def change_count(old: str, new: str) -> int:
    """How many characters were removed or added."""
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    return sum(max(i2 - i1, j2 - j1) for op, i1, i2, j1, j2 in matcher.get_opcodes() if op != "equal")
