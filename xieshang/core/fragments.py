"""Rendered parts of a page kept in the shared cache: the expensive part of a page (a ranking table, a member's year)
is rendered once per `vary` and served from the cache until what it shows changes — `generations` names the
generations (core.generations) that the writes of its records advance, `vary` the language, the query and whatever
else the part depends on; the part and its generations are read in one round trip. The rest of the page (the menu,
the user's own links) is rendered per request as before.

    part = fragments.cached(request, "duties/_ranking_table.html", build, vary=..., generations=(...), seconds=300)
    return render(request, "duties/ranking.html", {"body": part.html})

`build()` returns the part's context and runs only on a miss, so the queries behind the part are not sent on a
hit. What the page around the part needs from those reads (a title) goes in the context under "keep" (a small dict)
and comes back with the part (`Part.keep`); `build()` may raise Http404, and nothing is kept. A part must not hold
anything of the reader (his name, what he may do) unless `vary` names it.

Form tokens are never kept: a part is rendered with slots in place of the CSRF token (`{% csrf_token %}`) and of the
one-time submission tokens (`{% submission_token %}`, core.idempotency), and each request fills them with its own —
the reader's CSRF token and a new submission token per form, as a page rendered afresh would have."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any, NamedTuple

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from . import dbrouter
from .generations import keep_stamped, read_stamped

CSRF_SLOT = "fragment-csrf-slot-5b1e"
SUBMISSION_SLOT = "fragment-submission-slot-5b1e"
_SUBMISSION = re.compile(re.escape(SUBMISSION_SLOT))


class Part(NamedTuple):
    html: SafeString
    keep: dict[str, Any]


def cached(
    request: Any,
    template: str,
    build: Callable[[], dict[str, Any]],
    *,
    vary: str,
    seconds: int,
    generations: tuple[str, ...] = (),
) -> Part:
    key = f"fragment:{template}:{hashlib.blake2b(vary.encode(), digest_size=16).hexdigest()}"
    found, stamp = read_stamped(key, *generations) if generations else (cache.get(key), "")
    if found is None:
        # Kept for every reader until its generations move: built from the primary, never from a lagging replica
        # (a read just after the write that moved them would keep the old state under the new generation).
        with dbrouter.primary():
            context = build()
        # Rendered without the context processors (the menu, the unread count: the page around the part has them);
        # the part sees the request itself, e.g. for its pagination links.
        slots = {"csrf_token": CSRF_SLOT, "fragment_slots": True}
        found = (render_to_string(template, {**context, **slots, "request": request}), context.get("keep", {}))
        if generations:
            keep_stamped(key, found, stamp, seconds)
        else:
            cache.set(key, found, seconds)
    html, keep = found  # type: ignore[misc]
    return Part(mark_safe(fill(html, request)), keep)  # noqa: S308 - our own template's output, escaped when rendered


def query_key(request: Any) -> str:
    """The request's query string with its parameters sorted: one kept part for `?a=1&b=2` and `?b=2&a=1`."""
    return "&".join(sorted(request.GET.urlencode().split("&")))


def value(key: str, build: Callable[[], Any], *, generations: tuple[str, ...], seconds: int) -> Any:
    """A value (a list of choices, a section) kept like a part: `build()` runs, on the primary, only when it is
    missing or was kept under older `generations`."""
    found, stamp = read_stamped(f"value:{key}", *generations)
    if found is None:
        with dbrouter.primary():
            built = build()
        keep_stamped(f"value:{key}", (built,), stamp, seconds)
        return built
    return found[0]  # type: ignore[index]  # kept in a 1-tuple: None is a value too


def fill(html: str, request: Any) -> str:
    """The request's own form tokens in the slots of a kept part."""
    if CSRF_SLOT in html:
        from django.middleware.csrf import get_token

        html = html.replace(CSRF_SLOT, get_token(request))
    if SUBMISSION_SLOT in html:
        from .idempotency import new_token

        html = _SUBMISSION.sub(lambda _m: new_token(), html)
    return html
