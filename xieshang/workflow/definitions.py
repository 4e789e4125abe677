"""Workflows as plain dicts: domains declare their default workflow as a dict and install it from a data migration;
an organization's copy is the default exported and installed again under the organization.

    {
        "key": "micro_proposal", "name": gettext_noop("微提案"), "description": "", "settings": {},
        "states": [
            {"key": "draft", "name": gettext_noop("草稿"), "is_initial": True, "allows": {"edit": True}},
            {"key": "handling", "name": gettext_noop("办理中"), "deadline_amount": 15, "deadline_unit": "working_days",
             "deadline_max_amount": 30, "warn_before": 3, "warn_after_every": 2,
             "responsible_roles": ["unit_officer"], "escalate_roles": ["proposals_staff"],
             "extend_roles": ["proposals_staff"]},
            {"key": "closed", "name": gettext_noop("办结"), "is_final": True},
        ],
        "transitions": [
            {"key": "submit", "name": gettext_noop("提交"), "sources": ["draft"], "target": "handling",
             "roles": ["submitter"], "conditions": [], "requires_reason": False, "notify": ["proposals_staff"]},
        ],
    }

State and transition entries use the model field names; transitions name their sources and target by state key."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldDoesNotExist

STATE_FIELDS = (
    "name",
    "order",
    "is_initial",
    "is_final",
    "allows",
    "tags",
    "deadline_amount",
    "deadline_unit",
    "deadline_max_amount",
    "warn_before",
    "warn_after_every",
    "responsible_roles",
    "escalate_roles",
    "extend_roles",
)
TRANSITION_FIELDS = (
    "name",
    "roles",
    "conditions",
    "requires_reason",
    "payload_schema",
    "notify",
    "order",
    "is_active",
    "style",
)


def validate_definition(definition: dict[str, Any]) -> None:
    """Raise ValueError for a definition that cannot run: no or several initial states, unknown state keys,
    duplicate keys, unknown fields (a typo would otherwise silently fall back to a default)."""
    for required in ("key", "name", "states", "transitions"):
        if required not in definition:
            raise ValueError(f"workflow definition lacks {required!r}")
    states = definition["states"]
    keys = [s["key"] for s in states]
    if len(set(keys)) != len(keys):
        raise ValueError(f"duplicate state keys in {definition['key']}")
    if sum(1 for s in states if s.get("is_initial")) != 1:
        raise ValueError(f"workflow {definition['key']} needs exactly one initial state")
    for state in states:
        unknown = set(state) - set(STATE_FIELDS) - {"key"}
        if unknown:
            raise ValueError(f"unknown state fields {sorted(unknown)} in {definition['key']}.{state['key']}")
    transition_keys = [t["key"] for t in definition["transitions"]]
    if len(set(transition_keys)) != len(transition_keys):
        raise ValueError(f"duplicate transition keys in {definition['key']}")
    for transition in definition["transitions"]:
        unknown = set(transition) - set(TRANSITION_FIELDS) - {"key", "sources", "target"}
        if unknown:
            raise ValueError(f"unknown transition fields {sorted(unknown)} in {transition['key']}")
        for ref in [*transition["sources"], transition["target"]]:
            if ref not in keys:
                raise ValueError(f"transition {transition['key']} names unknown state {ref!r}")


def install_workflow(
    definition: dict[str, Any], organization: Any = None, *, apps: Any = None, overwrite: bool = True
) -> Any:
    """Create or update a workflow from a definition dict; returns the Workflow.

    Pass the migration's `apps` from a data migration so the historical models are used. With overwrite=False only
    missing states and transitions are added and existing rows keep an administrator's edits. States missing from
    the definition are kept (objects may still be in them); transitions missing from it are deactivated."""
    from . import cache

    validate_definition(definition)
    with cache.changes():
        workflow = _install(definition, organization, apps=apps, overwrite=overwrite)
    # Also for historical models, whose saves send no signals to the cache, and for the bulk deactivation below.
    cache.touch(workflow.pk, model=type(workflow))
    return workflow


def _install(definition: dict[str, Any], organization: Any, *, apps: Any, overwrite: bool) -> Any:
    if apps is None:
        from django.apps import apps
    # The historical models inside a migration, the current ones otherwise.
    Workflow: Any = apps.get_model("workflow", "Workflow")  # noqa: N806
    State: Any = apps.get_model("workflow", "State")  # noqa: N806
    Transition: Any = apps.get_model("workflow", "Transition")  # noqa: N806
    org_id = getattr(organization, "pk", organization)

    workflow, created = Workflow.objects.get_or_create(
        key=definition["key"],
        organization_id=org_id,
        defaults={
            "name": definition["name"],
            "description": definition.get("description", ""),
            "settings": definition.get("settings", {}),
        },
    )
    if overwrite and not created:
        workflow.name = definition["name"]
        workflow.description = definition.get("description", "")
        workflow.settings = definition.get("settings", {})
        workflow.save()

    # A data migration's historical State may predate a field (an app's 0002 installing a definition that now has
    # "tags" may run before workflow.0003_state_tags): such fields are left out, a later migration fills them in.
    state_fields = [f for f in STATE_FIELDS if _has_field(State, f)]
    transition_fields = [f for f in TRANSITION_FIELDS if _has_field(Transition, f)]
    states = {}
    for index, spec in enumerate(definition["states"]):
        values = {f: spec[f] for f in state_fields if f in spec}
        values.setdefault("order", index * 10)
        state, made = State.objects.get_or_create(workflow=workflow, key=spec["key"], defaults=values)
        if overwrite and not made:
            for field in state_fields:
                default = State._meta.get_field(field).get_default()
                setattr(state, field, values.get(field, default))
            state.save()
        states[spec["key"]] = state

    listed = set()
    for index, spec in enumerate(definition["transitions"]):
        values = {f: spec[f] for f in transition_fields if f in spec}
        values.setdefault("order", index * 10)
        values["target"] = states[spec["target"]]
        transition, made = Transition.objects.get_or_create(workflow=workflow, key=spec["key"], defaults=values)
        if made or overwrite:
            if not made:
                for field in transition_fields:
                    default = Transition._meta.get_field(field).get_default()
                    setattr(transition, field, values.get(field, default))
                transition.target = values["target"]
                transition.save()
            transition.sources.set([states[k] for k in spec["sources"]])
        listed.add(spec["key"])
    if overwrite:
        Transition.objects.filter(workflow=workflow).exclude(key__in=listed).update(is_active=False)
    return workflow


def _has_field(model: Any, name: str) -> bool:
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def export_workflow(workflow: Any) -> dict[str, Any]:
    """The definition dict of an installed workflow (inverse of install_workflow)."""
    states = list(workflow.states.order_by("order", "id"))
    key_of = {s.pk: s.key for s in states}
    transitions = workflow.transitions.order_by("order", "id").prefetch_related("sources")
    return {
        "key": workflow.key,
        "name": workflow.name,
        "description": workflow.description,
        "settings": workflow.settings,
        "states": [{"key": s.key, **{f: getattr(s, f) for f in STATE_FIELDS}} for s in states],
        "transitions": [
            {
                "key": t.key,
                "sources": [key_of[s.pk] for s in t.sources.all()],
                "target": key_of[t.target_id],
                **{f: getattr(t, f) for f in TRANSITION_FIELDS},
            }
            for t in transitions
        ],
    }


def copy_workflow(*, actor: Any, key: str, organization: Any) -> Any:
    """Give the organization its own editable copy of the platform default `key` (or return the existing copy)."""
    from django.db import transaction

    from xieshang.audit.services import audit_record

    from .models import Workflow

    org_id = getattr(organization, "pk", organization)
    existing = Workflow.objects.filter(key=key, organization_id=org_id).first()
    if existing is not None:
        return existing
    default = Workflow.objects.get(key=key, organization__isnull=True)
    with transaction.atomic():
        copy = install_workflow(export_workflow(default), org_id)
        audit_record(actor=actor, action="workflow.copy", obj=copy, organization=org_id, detail={"from": default.pk})
    return copy


def tag_states(workflow_key: str, tags_by_state: dict[str, list[str]], *, apps: Any = None) -> int:
    """Give the states of every workflow `workflow_key` (the platform default and each organization's copy) the phase
    tags their code now asks for, by state key; tags already there are kept, and a state an administrator renamed or
    removed is left alone (the check workflow.E001 then names what is missing). For data migrations: pass the
    migration's `apps`. Returns how many states changed."""
    from . import cache, models

    state_model: Any = models.State if apps is None else apps.get_model("workflow", "State")
    workflow_model: Any = models.Workflow if apps is None else apps.get_model("workflow", "Workflow")
    changed = 0
    workflow_ids: set[int] = set()
    for state in state_model.objects.filter(workflow__key=workflow_key, key__in=list(tags_by_state)):
        wanted = [t for t in tags_by_state[state.key] if t not in (state.tags or [])]
        if wanted:
            state.tags = [*(state.tags or []), *wanted]
            state.save(update_fields=["tags"])
            workflow_ids.add(state.workflow_id)
            changed += 1
    for workflow_id in workflow_ids:
        cache.touch(workflow_id, model=workflow_model)
    return changed
