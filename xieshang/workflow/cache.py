"""A per-process cache of workflow definitions: a workflow's row, its states and its transitions with their sources,
read once and reused by every transition, deadline change and list of available transitions until the definition
changes.

Validity. Each entry carries the `Workflow.updated_at` it was loaded with, and is used only for exactly that value.
Every change of a definition moves the timestamp: saving the workflow (auto_now); saving or deleting one of its states
or transitions, or changing a transition's sources (the signals connected in apps.py, which the admin's inline edits
send); and install_workflow's bulk deactivation (it calls touch()). The engine reads the current value with the
object's row lock (services._lock, no extra query) and reloads the definition when it differs, so an edit takes effect
on the next transition in every process, without a shared cache.

The cached rows are shared by every caller in the process: read them, never change or save them."""

from __future__ import annotations

import contextvars
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.core.cache import cache as shared
from django.db import transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from xieshang.core import caches

from .models import State, Transition, Workflow


@dataclass(frozen=True)
class Definition:
    workflow: Workflow
    version: object  # Workflow.updated_at when loaded
    states: dict[int, State]
    state_keys: dict[str, State]
    # active transitions only: the engine never takes an inactive one
    transitions: dict[str, Transition]
    sources: dict[int, frozenset[int]]
    outgoing: dict[int, tuple[Transition, ...]] = field(default_factory=dict)

    def state(self, state_id: Any) -> State | None:
        return self.states.get(state_id)

    def state_by_key(self, key: str) -> State | None:
        return self.state_keys.get(key)

    def transition(self, key: str) -> Transition | None:
        return self.transitions.get(key)

    def leaves(self, transition: Transition, state_id: Any) -> bool:
        """Whether `transition` may be taken from the state `state_id`."""
        return state_id in self.sources.get(transition.pk, ())

    def outgoing_from(self, state_id: Any) -> tuple[Transition, ...]:
        """The active transitions out of the state, in (order, id) order."""
        return self.outgoing.get(state_id, ())

    @property
    def initial(self) -> State | None:
        # The first initial state in (order, id) order.
        return next((s for s in self.states.values() if s.is_initial), None)


_entries: dict[int, Definition] = {}
_load_lock = threading.Lock()
loads = 0  # how many times a definition was read from the database (for tests and benchmarks)


def get(workflow_id: int, version: Any) -> Definition:
    """The definition of the workflow whose current `updated_at` (read from the database by the caller) is
    `version`; read from the database when the cached copy is of another version or missing."""
    entry = _entries.get(workflow_id)
    if entry is not None and entry.version == version:
        return entry
    return _load(workflow_id)


def for_workflow(workflow: Workflow) -> Definition:
    """The definition of a Workflow row the caller has just read (its updated_at is the version)."""
    return get(workflow.pk, workflow.updated_at)


def current(workflow_id: int) -> Definition:
    """The definition, checking its version with one query (for callers that hold no fresh workflow row)."""
    version = Workflow.objects.filter(pk=workflow_id).values_list("updated_at", flat=True).first()
    return get(workflow_id, version)


def _load(workflow_id: int) -> Definition:
    global loads
    workflow = Workflow.objects.get(pk=workflow_id)
    states = {s.pk: s for s in State.objects.filter(workflow_id=workflow_id).order_by("order", "id")}
    transitions = list(Transition.objects.filter(workflow_id=workflow_id, is_active=True).order_by("order", "id"))
    sources: dict[int, set[int]] = {t.pk: set() for t in transitions}
    through = Transition.sources.through.objects.filter(transition__workflow_id=workflow_id)
    for transition_id, state_id in through.values_list("transition_id", "state_id"):
        if transition_id in sources:
            sources[transition_id].add(state_id)
    for state in states.values():
        state.workflow = workflow
    outgoing: dict[int, list[Transition]] = {}
    for transition in transitions:
        transition.workflow = workflow
        target = states.get(transition.target_id)
        if target is not None:  # a target in another workflow would be a broken definition: let the ORM fetch it
            transition.target = target
        for state_id in sources[transition.pk]:
            outgoing.setdefault(state_id, []).append(transition)
    entry = Definition(
        workflow=workflow,
        version=workflow.updated_at,
        states=states,
        state_keys={s.key: s for s in states.values()},
        transitions={t.key: t for t in transitions},
        sources={pk: frozenset(ids) for pk, ids in sources.items()},
        outgoing={state_id: tuple(found) for state_id, found in outgoing.items()},
    )
    with _load_lock:
        _entries[workflow_id] = entry
        loads += 1
    return entry


def clear() -> None:
    """Forget every cached definition in this process."""
    _entries.clear()


# keeping updated_at moving

_deferred: contextvars.ContextVar[set[Any] | None] = contextvars.ContextVar(
    "workflow_definition_deferred", default=None
)


def touch(workflow_id: Any, *, model: Any = Workflow) -> None:
    """Mark the workflow's definition as changed: move updated_at forward (strictly, even when the clock has not moved
    since the last change) and drop this process's copy. `model` is the historical Workflow in a data migration."""
    if workflow_id is None:
        return
    pending = _deferred.get()
    if pending is not None and model is Workflow:
        pending.add(workflow_id)
        return
    now = timezone.now()
    model.objects.filter(pk=workflow_id).update(
        updated_at=Case(
            When(updated_at__gte=now, then=F("updated_at") + timedelta(microseconds=1)),
            default=Value(now),
        )
    )
    _entries.pop(workflow_id, None)
    # Now for this transaction's own reads, and again after commit for other processes that read meanwhile.
    forget_tags()
    transaction.on_commit(forget_tags)


@contextmanager
def changes() -> Iterator[None]:
    """Inside the block the signals only collect which workflows changed; each is touched once at the end (an install
    saves dozens of states and transitions)."""
    if _deferred.get() is not None:
        yield
        return
    token = _deferred.set(set())
    try:
        yield
    except BaseException:
        for workflow_id in _deferred.get() or ():
            _entries.pop(workflow_id, None)
        raise
    else:
        pending = _deferred.get() or set()
    finally:
        _deferred.reset(token)
    for workflow_id in pending:
        touch(workflow_id)


def definition_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    """Signal receiver for State and Transition saves and deletes and Transition.sources changes."""
    action = kwargs.get("action")
    if action is not None and action not in ("post_add", "post_remove", "post_clear"):
        return
    touch(getattr(instance, "workflow_id", None))


# phase tags: which states carry a tag, in the shared cache so that every process sees an edit


def state_ids_tagged(tag: str) -> list[int]:
    """Ids of every state (of every workflow, organization copies included) that carries the phase tag. Kept in the
    shared cache under a version that every definition change moves (cache.touch -> forget_tags), so that all
    processes see an edit."""
    version = shared.get_or_set(_TAG_VERSION, _new_tag_version, None)
    key = f"workflow:tagged:{version}:{tag}"
    found = shared.get(key)
    if found is None:
        found = sorted(pk for pk, tags in State.objects.values_list("pk", "tags") if tag in (tags or ()))
        shared.set(key, found, 3600)
    return list(found)


_TAG_VERSION = "workflow:tagged:version"


def _new_tag_version() -> int:
    # Not 1: when the version key is evicted while lists remain, a restart at 1 would find lists from long ago.
    return time.time_ns()


def forget_tags() -> None:
    """Make every process read the tagged states again (cache.touch calls it on every definition change)."""
    try:
        shared.incr(_TAG_VERSION)
    except ValueError:
        shared.set(_TAG_VERSION, _new_tag_version(), None)


caches.register("workflow.definitions", clear)
