"""HTTP helpers shared by the apps' views."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse


def background_request[V: Callable[..., Any]](view: V) -> V:
    """Mark a view that a page calls by itself (polling, auto-refresh): its requests are not the user's activity, so
    they do not hold off the idle timeout (accounts.middleware.IdleTimeoutMiddleware)."""
    view.xieshang_background = True  # type: ignore[attr-defined]
    return view


def is_background(view: object) -> bool:
    return bool(getattr(view, "xieshang_background", False))


# Characters no file system or browser takes in a file name.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def safe_filename(name: str, max_length: int = 120) -> str:
    """A file name without path separators, control or reserved characters, cut to `max_length` characters with
    its extension kept."""
    name = _UNSAFE.sub("", name).strip(" .") or "download"
    stem, dot, ext = name.rpartition(".")
    if not dot or len(ext) > 8:
        stem, ext = name, ""
    room = max_length - (len(ext) + 1 if ext else 0)
    return f"{stem[:room].rstrip(' .-')}.{ext}" if ext else stem[:max_length]


def ascii_fallback(name: str) -> str:
    """An ASCII stand-in for a file name for clients that ignore filename* (RFC 6266 §4.3): its ASCII letters and
    digits joined by hyphens, with the extension kept ("〔2026〕第0055号-答复函.pdf" → "2026-0055.pdf")."""
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    words = re.findall(r"[A-Za-z0-9]+", stem)
    ascii_stem = "-".join(words)[:80] or "download"
    ext = "".join(re.findall(r"[A-Za-z0-9]", ext))
    return f"{ascii_stem}.{ext}" if ext else ascii_stem


def content_disposition(filename: str, *, ascii_filename: str | None = None, inline: bool = False) -> str:
    """A Content-Disposition value with an ASCII filename and the UTF-8 filename* (RFC 6266, RFC 8187)."""
    filename = safe_filename(filename)
    fallback = ascii_fallback(ascii_filename or filename)
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def attachment_response(
    content: bytes, *, filename: str, content_type: str, ascii_filename: str | None = None
) -> HttpResponse:
    """A download: `content` as an attachment named `filename` (any language), with an ASCII fallback name."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename, ascii_filename=ascii_filename)
    return response
