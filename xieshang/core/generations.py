"""Generations: a short value in the shared cache that changes whenever the records it stands for change, so a
page or a figure kept in the cache under the current generation is never read after its source was written.

    key = f"duties:ranking:{generations.current(f'duties:{org_id}')}:..."   # read
    generations.advance(f"duties:{org_id}")                                  # after a write

`advance` starts a new generation at once (a read later in the same transaction builds afresh; inside a transaction
the new value is written to the cache just before this thread's next read of one) and again when the outermost
transaction commits (a read by another request meanwhile may have cached what it could see before the commit).
With Redis configured every process shares the generations; with the per-process memory cache (the embedded
default, one process) they are the process's own, so a deployment of several processes needs Redis — the
readers also keep what they cache for a few minutes only.

`watch(name, *tables)` moves a generation on every write of those tables, whatever wrote it: a save, a delete, a
`QuerySet.update`, a `bulk_create` or a migration's SQL (the statements are read on their way to the database, see
`_written`), so a service's bulk write needs no call of its own."""

from __future__ import annotations

import re
import threading
import uuid
from typing import Any

from django.core.cache import cache
from django.db import connections, transaction

# The generations this thread's open transaction has moved since it last read one, not yet written to the cache: the
# next read of this thread writes them first (one round trip), so only a reader that could see the transaction's rows
# waits for them (another connection sees the rows only once they are committed, and the commit moves them again).
_moved = threading.local()


def _read() -> None:
    names = getattr(_moved, "names", None)
    if names:
        _moved.names = set()
        _new_many(names)


def _key(name: str) -> str:
    return f"generation:{name}"


def current(name: str) -> str:
    """The current generation of `name` (created on first use)."""
    _read()
    key = _key(name)
    found = cache.get(key)
    if found is None:
        cache.add(key, uuid.uuid4().hex[:12], None)
        found = cache.get(key) or "none"  # the cache is down: a value nobody else will read, so nothing is reused
    return str(found)


def joined(*names: str) -> str:
    """The current generations of several names as one value (one round trip to the cache)."""
    _read()
    keys = [_key(n) for n in names]
    found = cache.get_many(keys)
    missing = [n for n, k in zip(names, keys, strict=True) if k not in found]
    for name in missing:
        found[_key(name)] = current(name)
    return "-".join(str(found[k]) for k in keys)


def _new(name: str) -> None:
    cache.set(_key(name), uuid.uuid4().hex[:12], None)


def _new_many(names: set[str]) -> None:
    if names:
        cache.set_many({_key(name): uuid.uuid4().hex[:12] for name in names}, None)


def _committed(names: set[str]) -> None:
    """The commit's move (in the committing thread): these are written now, so this thread's next read has nothing
    left to write for them (it would move them a second time, and every part kept since would be built again)."""
    moved = getattr(_moved, "names", None)
    if moved:
        moved -= names
    _new_many(names)


def advance(name: str, using: str = "default") -> None:
    """What `name` stands for was written: a new generation now, and again when the transaction commits (once per
    transaction, savepoint and name). Within a transaction, "now" means before this thread's next read of a
    generation: a transaction writing ten rows of four watched tables and reading none costs one round trip to the
    cache, at commit; one that reads between its writes moves them again before each such read."""
    connection = connections[using]
    if not connection.in_atomic_block:
        _new(name)
        return
    outermost = connection.atomic_blocks[0]
    # savepoint ids -> the names the commit moves, one callback per savepoint (a savepoint rolled back drops the
    # callbacks registered inside it, and with them only its own names)
    pending: dict[tuple[str, ...], set[str]] | None = getattr(outermost, "_generations_pending", None)
    if pending is None:
        pending = {}
        outermost._generations_pending = pending  # type: ignore[attr-defined]  # dies with the block
    level = tuple(connection.savepoint_ids)
    names = pending.get(level)
    if names is None:
        names = pending[level] = set()
        transaction.on_commit(lambda: _committed(names), using=using)
    names.add(name)
    moved = getattr(_moved, "names", None)
    if moved is None:
        moved = _moved.names = set()
    moved.add(name)


# db table -> the generations its writes move (filled by `watch`, read on every statement: a dict lookup)
_watched: dict[str, tuple[str, ...]] = {}
# The table an INSERT, UPDATE or DELETE writes, as Django's compilers and our raw SQL write it (quoted or not).
_WRITE = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


def watch(name: str, *tables: str) -> None:
    """Every write of `tables` (db table names) advances `name`, through the statement itself (`_written`)."""
    for table in tables:
        names = _watched.get(table, ())
        if name not in names:
            _watched[table] = (*names, name)


def watch_models(name: str, models: Any) -> None:
    """`watch` for models (their many-to-many tables are models too: include_auto_created)."""
    watch(name, *(model._meta.db_table for model in models))


# Watches whose tables are known only once every app is ready (a registry filled in the apps' ready()): resolved
# by the first statement after that, in every process, before any write can need them.
_deferred: list[Any] = []


def watch_later(resolve: Any) -> None:
    """Call `resolve()` (which calls `watch`) once the apps are ready, before this process's next statement."""
    _deferred.append(resolve)


def resolve_deferred() -> None:
    from django.apps import apps

    if apps.ready:
        while _deferred:
            _deferred.pop()()


def _written(execute: Any, sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
    """A database execute wrapper (installed on every connection by core.apps): after a write of a watched table,
    advance its generations (now and on commit, as `advance`)."""
    if _deferred:
        resolve_deferred()
    result = execute(sql, params, many, context)
    if _watched:
        match = _WRITE.match(sql)
        if match is not None:
            for name in _watched.get(match.group(1), ()):
                advance(name, using=context["connection"].alias)
    return result


def install(connection: Any, **kwargs: Any) -> None:
    """connection_created's receiver: the write watch on each new connection (once)."""
    if _written not in connection.execute_wrappers:
        connection.execute_wrappers.append(_written)


def for_user(user_id: object) -> str:
    """The generation of what is kept about one user (his role grants, his menu): advanced when they change."""
    return f"user:{user_id}"


def read_stamped(key: str, *names: str) -> tuple[object | None, str]:
    """A value kept under `key` with the generations of `names` it was built from, and the current stamp (those
    generations joined), read in one round trip to the cache. The value is None unless it was built under the
    current stamp; build it afresh and keep it with `keep_stamped(key, value, stamp)`."""
    return read_stamped_many([(key, names)])[0]


def keep_stamped(key: str, value: object, stamp: str, seconds: int) -> None:
    """Keep `value` under the stamp `read_stamped` gave (not when the cache could not say its generations)."""
    keep_stamped_many({key: (value, stamp)}, seconds)


def read_stamped_many(entries: list[tuple[str, tuple[str, ...]]]) -> list[tuple[object | None, str]]:
    """`read_stamped` for several (key, names) at once: one round trip to the cache for all of them."""
    _read()
    gkeys = {n: _key(n) for _, names in entries for n in names}
    found = cache.get_many([*gkeys.values(), *(key for key, _ in entries)])
    for name, gkey in gkeys.items():
        if gkey not in found:
            found[gkey] = current(name)
    out: list[tuple[object | None, str]] = []
    for key, names in entries:
        stamp = "-".join(str(found[gkeys[n]]) for n in names)
        entry = found.get(key)
        fresh = isinstance(entry, tuple) and len(entry) == 2 and entry[0] == stamp and not _unsure(stamp)
        out.append((entry[1] if fresh else None, stamp))  # type: ignore[index]
    return out


def keep_stamped_many(values: dict[str, tuple[object, str]], seconds: int) -> None:
    """`keep_stamped` for several keys ({key: (value, stamp)}): one round trip."""
    kept = {key: (stamp, value) for key, (value, stamp) in values.items() if not _unsure(stamp)}
    if kept:
        cache.set_many(kept, seconds)


def _unsure(stamp: str) -> bool:
    return "none" in stamp.split("-")
