"""Reads that may lag go to the streaming replica; everything else, and a user's reads after his own writes, to the
primary (docs/decisions/0042-several-machines.md).

With `DATABASE_REPLICA_URL` set, settings add the database alias "replica", this module's `ReplicaRouter` and its
`ReadYourWritesMiddleware`. Without it nothing here changes a query: `tolerant(qs)` returns `qs`, `lag_tolerant()`
does nothing, and neither the router nor the middleware is installed (SQLite development and the tests).

A read goes to the replica only where the code says it may lag, in one of two ways:

    page = paginate(request, dbrouter.tolerant(selectors.member_proposals(user, organization)))   # one queryset
    with dbrouter.lag_tolerant():                                                                  # a computation
        figures = compute_statistics(organization, year)

Declare it around the reads of a list, a search or a statistics computation, not around a whole view: the page's
template also fills shared caches (the unread count, cached parts), and a value read from a lagging replica just
after the write that invalidated it would be kept in the cache as if it were current. `primary()` forces the primary
inside a tolerant block; `core.fragments` builds its cached parts under it.

Read your writes: a request that writes (any POST/PUT/PATCH/DELETE, or any write through the ORM other than the
session row) marks its user for `XIESHANG_READ_YOUR_WRITES_SECONDS`: a cookie (`xieshang_rw`, the time until which
this browser reads the primary) and, for a signed-in user, a stamp in the shared cache (`xieshang:rw:<user id>`,
his other devices and API tokens). Both are seen by every app server; during that time his tolerant reads go to the
primary. A read inside a transaction on the primary also stays on the primary (the transaction's own view)."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse

PRIMARY = "default"
REPLICA = "replica"
COOKIE = "xieshang_rw"
_CACHE_KEY = "xieshang:rw:{}"
_SAFE = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# Writes that say nothing a page shows: the session row (the idle timestamp) and the task workers' heartbeats.
_NOT_A_USER_WRITE = frozenset({"sessions.session", "core.workerheartbeat"})


@dataclass
class _Request:
    """What the router knows about the request being served (one per request, in a context variable)."""

    request: HttpRequest | None = None
    wrote: bool = False
    _pinned: bool | None = field(default=None, repr=False)

    def pinned(self) -> bool:
        """Must this request's reads see the primary (its user wrote within the last seconds)?"""
        if self.wrote:
            return True
        if self._pinned is None:
            self._pinned = _stamped(self.request) if self.request is not None else False
        return self._pinned


_current: ContextVar[_Request | None] = ContextVar("xieshang_db_request", default=None)
# >0 inside lag_tolerant(), <0 inside primary() (the innermost wins: each sets its own value and restores the last)
_mode: ContextVar[int] = ContextVar("xieshang_db_mode", default=0)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def window_seconds() -> float:
    return float(getattr(settings, "XIESHANG_READ_YOUR_WRITES_SECONDS", 10))


def _replica_allowed() -> bool:
    """May a tolerant read go to the replica now? Not without one, not after this user's write, not inside a
    transaction on the primary."""
    if not replica_configured():
        return False
    if connections[PRIMARY].in_atomic_block:
        return False
    state = _current.get()
    return not (state is not None and state.pinned())


def tolerant[Q](queryset: Q) -> Q:
    """`queryset` read from the replica when that is allowed now (see the module's doc), else unchanged."""
    if _mode.get() < 0 or not _replica_allowed():
        return queryset
    return queryset.using(REPLICA)  # type: ignore[attr-defined, no-any-return]


@contextlib.contextmanager
def lag_tolerant() -> Iterator[None]:
    """The reads inside may come from the replica (the router decides per query)."""
    token = _mode.set(1)
    try:
        yield
    finally:
        _mode.reset(token)


@contextlib.contextmanager
def primary() -> Iterator[None]:
    """The reads inside go to the primary, even inside lag_tolerant() (e.g. a value about to be kept in a cache)."""
    token = _mode.set(-1)
    try:
        yield
    finally:
        _mode.reset(token)


def note_write() -> None:
    """This request wrote: its reads from now on, and its user's for the next seconds, go to the primary."""
    state = _current.get()
    if state is not None:
        state.wrote = True


class ReplicaRouter:
    """Installed with a replica (settings): reads inside lag_tolerant() to the replica when allowed; writes, and the
    reads of everything else, to the primary; migrations only on the primary."""

    def db_for_read(self, model: type, **hints: Any) -> str:
        instance = hints.get("instance")
        if instance is not None and getattr(instance, "_state", None) is not None and instance._state.db:
            return str(instance._state.db)  # a related object is read where its parent was read
        if _mode.get() > 0 and _replica_allowed():
            return REPLICA
        return PRIMARY

    def db_for_write(self, model: type, **hints: Any) -> str:
        if model._meta.label_lower not in _NOT_A_USER_WRITE:  # type: ignore[attr-defined]
            note_write()
        return PRIMARY

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        both = {obj1._state.db, obj2._state.db}
        return True if both <= {PRIMARY, REPLICA} else None

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool | None:
        return False if db == REPLICA else None


def _stamped(request: HttpRequest) -> bool:
    now = time.time()
    try:
        if float(request.COOKIES.get(COOKIE, "0")) > now:
            return True
    except ValueError:
        pass
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        from django.core.cache import cache

        until = cache.get(_CACHE_KEY.format(user.pk))
        return bool(until and float(until) > now)
    return False


def stamp(request: HttpRequest, response: HttpResponse) -> None:
    """Mark the writer: a cookie for this browser and a cache stamp for the signed-in user, each for the window."""
    seconds = window_seconds()
    until = time.time() + seconds
    response.set_cookie(
        COOKIE,
        f"{until:.3f}",
        max_age=int(seconds) + 1,
        httponly=True,
        samesite="Lax",
        secure=bool(getattr(settings, "SESSION_COOKIE_SECURE", False)),
    )
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        from django.core.cache import cache

        cache.set(_CACHE_KEY.format(user.pk), until, int(seconds) + 1)


class ReadYourWritesMiddleware:
    """Installed with a replica, after the authentication middleware: keeps what the router needs to know about the
    request, and marks the writer on the way out."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        state = _Request(request=request, wrote=request.method not in _SAFE)
        token = _current.set(state)
        try:
            response = self.get_response(request)
            if state.wrote:
                stamp(request, response)
            return response
        finally:
            _current.reset(token)
