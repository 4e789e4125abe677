"""What the domain plugs into the engine: relational roles, conditions, hooks, notifiers and due-date policies.

The workflow tables name roles and conditions by key; the domain registers what those keys mean, usually in its
AppConfig.ready(). Registering the same key again replaces the earlier function (tests and reloads rely on that)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from xieshang.accounts.relations import Relation

# Hooks registered under this key run when services.start() puts an object in its initial state; "*" matches only
# transitions, so a numbering hook on "*" is not surprised by creation.
START = ":start"
ANY = "*"


@dataclass(frozen=True)
class RelationalRole:
    check: Callable[[Any, Any], bool]
    label: str = ""
    members: Callable[[Any], Iterable[Any]] | None = None


_roles: dict[tuple[str, str], RelationalRole] = {}
_role_labels: dict[str, str] = {}
_conditions: dict[str, tuple[Callable[[Any, Any, dict[str, Any]], str | None], str]] = {}
_hooks: dict[tuple[str, str], list[Callable[..., Any]]] = {}
_notifiers: dict[str, Callable[..., Any]] = {}
_due_policies: dict[tuple[str, str], Callable[..., Any]] = {}


def register_relational_role(
    model_label: str,
    role_name: str,
    fn: Callable[[Any, Any], bool],
    *,
    label: str = "",
    members: Callable[[Any], Iterable[Any]] | None = None,
) -> None:
    """fn(user, obj) -> bool says whether the user holds the role on this object (e.g. "submitter").
    members(obj) -> users lets the engine notify and remind the role; label is the name shown to people.
    model_label is the concrete model's "app_label.ModelName" (case-insensitive)."""
    _roles[(model_label.lower(), role_name)] = RelationalRole(check=fn, label=label, members=members)
    if label:
        _role_labels[role_name] = label


def register_relations(model_label: str, *relations: Relation) -> None:
    """Register each accounts.relations.Relation as the relational role of its name: its test as the check, its
    members as the people the engine notifies and reminds, its label as the name shown. The same objects give the
    domain's rules their predicates, so a relation is written once."""
    for relation in relations:
        register_relational_role(
            model_label,
            relation.name,
            relation.test,
            label=relation.label,
            members=relation.members if relation.has_members else None,
        )


def relational_role(model_label: str, role_name: str) -> RelationalRole | None:
    return _roles.get((model_label.lower(), role_name))


def role_label(role_name: str) -> str:
    if role_name in _role_labels:
        return str(_role_labels[role_name])
    from xieshang.accounts.models import Role

    try:
        return str(Role(role_name).label)
    except ValueError:
        return role_name


def register_condition(key: str, fn: Callable[[Any, Any, dict[str, Any]], str | None], *, label: str = "") -> None:
    """fn(obj, actor, payload) returns None when satisfied, else the reason (translated text) shown to the user."""
    _conditions[key] = (fn, label)


def condition(key: str) -> Callable[[Any, Any, dict[str, Any]], str | None] | None:
    entry = _conditions.get(key)
    return entry[0] if entry else None


def register_hook(workflow_key: str, transition_key: str, fn: Callable[[Any, Any, dict[str, Any]], None]) -> None:
    """fn(obj, event, payload) runs inside the transition's transaction, after the new state and the event are
    written; obj is the locked, fresh row. Raising rolls the whole transition back."""
    hooks = _hooks.setdefault((workflow_key, transition_key), [])
    if fn not in hooks:
        hooks.append(fn)


def hooks_for(workflow_key: str, transition_key: str) -> list[Callable[..., Any]]:
    found = list(_hooks.get((workflow_key, transition_key), ()))
    if transition_key != START:
        found += _hooks.get((workflow_key, ANY), [])
    return found


def register_notifier(workflow_key: str, fn: Callable[[Any, Any], list[tuple[Any, ...]]]) -> None:
    """fn(obj, event) -> [(recipients, title, body, url), ...] replaces the default message built from
    Transition.notify for every event of this workflow. Called after commit."""
    _notifiers[workflow_key] = fn


def notifier(workflow_key: str) -> Callable[..., Any] | None:
    return _notifiers.get(workflow_key)


def register_due_policy(
    workflow_key: str, state_key: str, fn: Callable[[Any, Any, date, date | None], date | None]
) -> None:
    """fn(obj, state, entered_on, default_due) -> the due date to use (None for no deadline). state_key may be "*"."""
    _due_policies[(workflow_key, state_key)] = fn


def due_policy(workflow_key: str, state_key: str) -> Callable[..., Any] | None:
    return _due_policies.get((workflow_key, state_key)) or _due_policies.get((workflow_key, ANY))


def unregister_hook(workflow_key: str, transition_key: str, fn: Callable[..., Any]) -> None:
    hooks = _hooks.get((workflow_key, transition_key), [])
    if fn in hooks:
        hooks.remove(fn)


def unregister_notifier(workflow_key: str) -> None:
    _notifiers.pop(workflow_key, None)


def unregister_due_policy(workflow_key: str, state_key: str) -> None:
    _due_policies.pop((workflow_key, state_key), None)


@dataclass(frozen=True)
class Requirements:
    """What a domain's code names in its workflow: phase tags it asks states for, the few state and transition keys
    it must name (each justified where declared), and the flags of `State.allows` it reads. The system check
    `workflow.E001` fails when any active workflow with this key (organization copies included) lacks one."""

    tags: frozenset[str] = frozenset()
    states: frozenset[str] = frozenset()
    transitions: frozenset[str] = frozenset()
    flags: frozenset[str] = frozenset()


_requirements: dict[str, Requirements] = {}


def register_requirements(
    workflow_key: str,
    *,
    tags: Iterable[str] = (),
    states: Iterable[str] = (),
    transitions: Iterable[str] = (),
    flags: Iterable[str] = (),
) -> None:
    """Declare what code names in the workflow `workflow_key` (usually from the app's workflows.py)."""
    _requirements[workflow_key] = Requirements(
        tags=frozenset(tags), states=frozenset(states), transitions=frozenset(transitions), flags=frozenset(flags)
    )


def unregister_requirements(workflow_key: str) -> None:
    _requirements.pop(workflow_key, None)


def requirements() -> dict[str, Requirements]:
    return dict(_requirements)


def registered_hook_keys() -> list[tuple[str, str]]:
    """(workflow key, transition key) of every registered hook, START and ANY included."""
    return [key for key, fns in _hooks.items() if fns]


def registered_conditions() -> set[str]:
    return set(_conditions)
