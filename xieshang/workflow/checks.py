"""System checks of the workflow tables against the code that runs them.

- xieshang.W001 (deploy): the working-day calendar does not know next year's holidays yet; deadlines in working days
  would then silently count Monday to Friday, ignoring 春节 and the 调休 working days.
- workflow.E001: an active workflow (an organization's copy included) lacks a state tag, state, transition or flag
  that code names (registry.register_requirements), or a hook is registered for a transition no workflow has, or a
  transition names a condition nobody registered. Workflows are data an administrator edits; this check is what
  stops an edit from silently breaking queues and statistics."""

from typing import Any

from django.core.checks import Error, Warning, register
from django.db import DatabaseError
from django.utils import timezone


@register("xieshang", deploy=True)
def calendar_covers_next_year(app_configs: Any = None, **kwargs: Any) -> Any:
    from .calendar import package_years
    from .models import CalendarDay

    next_year = timezone.localdate().year + 1
    if next_year in package_years():
        return []
    try:
        known = CalendarDay.objects.filter(date__year=next_year, is_workday=False).exists()
    except DatabaseError:  # before the first migrate
        return []
    if known:
        return []
    return [
        Warning(
            f"The working-day calendar has no holidays for {next_year}.",
            hint="Upgrade chinese-calendar and run `manage.py seed_calendar`, or enter the State Council's holiday "
            "notice in the admin (工作日历). Until then deadlines in that year count Monday to Friday.",
            id="xieshang.W001",
        )
    ]


def workflow_problems() -> list[str]:
    """Every mismatch between the active workflows and what code names, as sentences."""
    from . import registry
    from .models import State, Transition, Workflow

    workflows = list(Workflow.objects.filter(is_active=True).select_related("organization"))
    states: dict[int, list[Any]] = {}
    for state in State.objects.filter(workflow__in=workflows):
        states.setdefault(state.workflow_id, []).append(state)
    transitions: dict[int, list[Any]] = {}
    for transition in Transition.objects.filter(workflow__in=workflows, is_active=True):
        transitions.setdefault(transition.workflow_id, []).append(transition)
    problems: list[str] = []
    for wf in workflows:
        problems += _workflow_problems(wf, states.get(wf.pk, []), transitions.get(wf.pk, []))
    for workflow_key in sorted(set(registry.requirements()) - {wf.key for wf in workflows}):
        problems.append(f"workflow {workflow_key!r}: code names it, but no active workflow has this key")
    return problems + _hook_problems(workflows, transitions)


def _workflow_problems(wf: Any, own_states: list[Any], own_transitions: list[Any]) -> list[str]:
    """What one workflow (an organization copy included) lacks of what code names, and unknown conditions."""
    from . import registry

    problems: list[str] = []
    where = f"workflow {wf.key!r}" + (f" of organization {wf.organization_id}" if wf.organization_id else "")
    need = registry.requirements().get(wf.key)
    if need is not None:
        tags = {t for s in own_states for t in (s.tags or ())}
        flags = {f for s in own_states for f, on in (s.allows or {}).items() if on}
        problems += [
            f"{where}: no state carries the tag {tag!r} that code asks for" for tag in sorted(need.tags - tags)
        ]
        problems += [
            f"{where}: code names the state {key!r}, which it lacks"
            for key in sorted(need.states - {s.key for s in own_states})
        ]
        problems += [
            f"{where}: code names the transition {key!r}, which it lacks"
            for key in sorted(need.transitions - {t.key for t in own_transitions})
        ]
        problems += [f"{where}: no state sets the flag {flag!r} that code reads" for flag in sorted(need.flags - flags)]
    known_conditions = registry.registered_conditions()
    for transition in own_transitions:
        problems += [
            f"{where}: transition {transition.key!r} names unknown condition {cond!r}"
            for cond in transition.conditions or ()
            if cond not in known_conditions
        ]
    return problems


def _hook_problems(workflows: list[Any], transitions: dict[int, list[Any]]) -> list[str]:
    """Hooks registered for a transition that no active workflow of that key has."""
    from . import registry

    all_transition_keys: dict[str, set[str]] = {}
    for wf in workflows:
        all_transition_keys.setdefault(wf.key, set()).update(t.key for t in transitions.get(wf.pk, []))
    problems: list[str] = []
    for workflow_key, transition_key in registry.registered_hook_keys():
        if transition_key in (registry.START, registry.ANY) or workflow_key not in all_transition_keys:
            continue
        if transition_key not in all_transition_keys[workflow_key]:
            problems.append(
                f"workflow {workflow_key!r}: a hook is registered for unknown transition {transition_key!r}"
            )
    return problems


@register("xieshang")
def workflows_match_code(app_configs: Any = None, databases: Any = None, **kwargs: Any) -> Any:
    if not databases:  # checks that read the database run only when asked to (migrate, check --database)
        return []
    try:
        if _migrations_pending():
            # migrate runs this check before it migrates: the data migrations that bring the workflows up to what
            # the code now names (new tags, new states) have not run yet, and must not be blocked by it.
            return []
        problems = workflow_problems()
    except DatabaseError:  # before the first migrate
        return []
    return [Error(p, id="workflow.E001") for p in problems]


def _migrations_pending() -> bool:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))
