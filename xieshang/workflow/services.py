"""Writes of the workflow engine: start an object, move it along an edge, change its deadline.

Every write follows one pattern: lock the object's row, re-read it, check, write state + event + audit in one
transaction, run the domain's hooks inside it, and send notifications only once it has committed. Anything raised
before the commit leaves the row, the events and the caller's instance exactly as they were."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from xieshang.accounts.selectors import users_with_role
from xieshang.audit.services import audit_record
from xieshang.core.names import named
from xieshang.notifications.services import after_commit, notify

from . import cache, registry
from .calendar import add_months, add_working_days, compute_due, next_workday
from .definitions import copy_workflow, export_workflow, install_workflow
from .exceptions import (
    ConditionFailed,
    Conflict,
    DeadlineError,
    InvalidEdge,
    InvalidPayload,
    NotAllowed,
    ReasonRequired,
    TransitionError,
)
from .models import State, Transition, Workflow, WorkflowEvent
from .selectors import (
    Available,
    available_transitions,
    condition_failure,
    holds_role,
    permission_failure,
    workflow_for,
)

__all__ = [
    "Available",
    "Conflict",
    "ConditionFailed",
    "DeadlineError",
    "InvalidEdge",
    "InvalidPayload",
    "NotAllowed",
    "ReasonRequired",
    "TransitionError",
    "available_transitions",
    "copy_workflow",
    "export_workflow",
    "extend_deadline",
    "install_workflow",
    "lock",
    "set_due",
    "start",
    "transition",
]

logger = logging.getLogger(__name__)

_WORKFLOW_FIELDS = ["workflow", "state", "state_entered_at", "due_on", "deadline_extensions", "overdue"]


def start(
    *, actor: Any, obj: Any, workflow_key: str, organization: Any = None, payload: dict[str, Any] | None = None
) -> WorkflowEvent:
    """Put obj (saved or not) in the initial state of the organization's workflow `workflow_key`."""
    organization = organization if organization is not None else obj.organization_id
    workflow = workflow_for(organization, workflow_key)
    if workflow is None:
        raise ImproperlyConfigured(f"No active workflow {workflow_key!r} for organization {organization!r}.")
    initial = cache.for_workflow(workflow).initial
    if initial is None:
        raise ImproperlyConfigured(f"Workflow {workflow.pk} ({workflow_key}) has no initial state.")
    payload = dict(payload or {})
    now = timezone.now()
    with transaction.atomic():
        if obj.pk is None:
            target = obj
        else:
            target = _lock(obj)
            if target.state_id is not None:
                raise Conflict(_("该事项已在流程中（当前状态：%(state)s）。") % {"state": named(target.state.name)})
        target.workflow = workflow
        target.state = initial
        target.state_entered_at = now
        target.due_on = _due_for(target, workflow.key, initial, timezone.localdate(now))
        target.deadline_extensions = 0
        target.overdue = False
        if target.pk is None:
            target.save()
        else:
            target.save(update_fields=_WORKFLOW_FIELDS)
        event = record_event(
            obj=target,
            kind=WorkflowEvent.Kind.START,
            actor=actor,
            from_state=None,
            to_state=initial,
            transition_obj=None,
            payload=payload,
            reason="",
            at=now,
        )
        audit_record(
            actor=actor,
            action=f"{workflow.key}.start",
            obj=target,
            detail={"event": event.pk, "to": initial.key},
        )
        for hook in registry.hooks_for(workflow.key, registry.START):
            hook(target, event, payload)
    if target is not obj:
        _copy_fields(target, obj)
    return event


def transition(
    *,
    actor: Any,
    obj: Any,
    transition_key: str,
    payload: dict[str, Any] | None = None,
    reason: str = "",
    expected_state: Any = None,
) -> WorkflowEvent:
    """Take transition `transition_key` on obj. expected_state (a State, its id or key) is the state the caller
    saw — by default obj's in-memory state — and a different state under the lock raises Conflict."""
    payload = dict(payload or {})
    reason = (reason or "").strip()
    seen = _expected_state_id(obj, expected_state)
    try:
        with transaction.atomic():
            locked = _lock(obj)
            definition, current = _current_state(locked, seen)
            chosen = _allowed_transition(definition, current, locked, actor, transition_key, payload, reason)
            event = _move(locked, definition, current, chosen, actor, payload, reason)
    except TransitionError as exc:
        audit_record(
            actor=actor,
            action=f"workflow.{transition_key}"[:80],
            obj=obj,
            result=exc.audit_result,
            detail={"code": exc.code, "message": exc.message},
        )
        raise
    _copy_fields(locked, obj)
    return event


def _current_state(locked: Any, seen: int | str | None) -> tuple[cache.Definition, State]:
    """The locked object's definition and state; Conflict when the state is not the one the caller saw."""
    if locked.state_id is None:
        raise InvalidEdge(_("该事项尚未进入流程。"))
    definition = _started_definition(locked)
    current = definition.state(locked.state_id) or State.objects.get(pk=locked.state_id)
    if isinstance(seen, str):  # a state key: resolved in the object's own workflow
        found = definition.state_by_key(seen)
        # An unknown key can never match the row's state: report it as a conflict rather than ignore it.
        seen = found.pk if found is not None else -1
    if seen is not None and locked.state_id != seen:
        raise Conflict(_("该事项已被他人处理，当前状态为“%(state)s”。请刷新页面后再操作。") % {"state": current.name})
    return definition, current


def _allowed_transition(
    definition: cache.Definition,
    current: State,
    locked: Any,
    actor: Any,
    transition_key: str,
    payload: dict[str, Any],
    reason: str,
) -> Transition:
    """The transition `transition_key` out of `current`, once the actor, its conditions, the reason and the payload
    have been checked (each failure raises its TransitionError)."""
    chosen = definition.transition(transition_key)
    if chosen is None or not definition.leaves(chosen, current.pk):
        raise InvalidEdge(
            _("当前状态“%(state)s”下不能执行此操作。") % {"state": current.name}
            if chosen is None
            else _("当前状态“%(state)s”下不能执行“%(action)s”。") % {"state": current.name, "action": chosen.name}
        )
    refusal = permission_failure(actor, locked, chosen)
    if refusal:
        raise NotAllowed(refusal)
    blocked = condition_failure(locked, actor, chosen, payload)
    if blocked:
        raise ConditionFailed(blocked)
    if chosen.requires_reason and not reason:
        raise ReasonRequired(_("“%(action)s”须填写理由。") % {"action": chosen.name})
    _check_payload(chosen, payload)
    return chosen


def _move(
    locked: Any,
    definition: cache.Definition,
    current: State,
    chosen: Transition,
    actor: Any,
    payload: dict[str, Any],
    reason: str,
) -> WorkflowEvent:
    """Write the move along `chosen`: the locked row's new state and deadline, its event, the audit entry, the
    workflow's hooks, and the notifications queued for after the commit."""
    now = timezone.now()
    target_state = chosen.target
    locked.state = target_state
    locked.state_entered_at = now
    locked.due_on = _due_for(locked, definition.workflow.key, target_state, timezone.localdate(now))
    locked.deadline_extensions = 0
    locked.overdue = False
    locked.save(update_fields=_WORKFLOW_FIELDS[1:])
    event = record_event(
        obj=locked,
        kind=WorkflowEvent.Kind.TRANSITION,
        actor=actor,
        from_state=current,
        to_state=target_state,
        transition_obj=chosen,
        payload=payload,
        reason=reason,
        at=now,
    )
    audit_record(
        actor=actor,
        action=f"{definition.workflow.key}.{chosen.key}",
        obj=locked,
        detail={"event": event.pk, "from": current.key, "to": target_state.key, "reason": reason},
    )
    for hook in registry.hooks_for(definition.workflow.key, chosen.key):
        hook(locked, event, payload)
    _notify_after_commit(locked, event, chosen, definition.workflow.key)
    return event


def set_due(*, actor: Any, obj: Any, due_on: date | None, reason: str = "", enforce: bool = True) -> WorkflowEvent:
    """Set the current step's due date. With enforce (the default) the actor needs one of the state's extend_roles,
    a reason, and the date must stay within the state's maximum; domain services that computed the date by their own
    rule pass enforce=False and take responsibility for the check."""
    return _change_due(actor=actor, obj=obj, reason=reason, enforce=enforce, compute=lambda locked, state: due_on)


def extend_deadline(*, actor: Any, obj: Any, days: int = 0, months: int = 0, reason: str) -> WorkflowEvent:
    """Push the current due date back by `months` calendar months and/or `days` working days, within the state's
    deadline_max_amount (counted from entering the state), by one of the state's extend_roles, with a reason."""
    if days < 0 or months < 0 or not (days or months):
        raise DeadlineError(_("延期时长须为正数。"))

    def compute(locked: Any, state: Any) -> Any:
        if locked.due_on is None:
            raise DeadlineError(_("当前环节没有办理期限，无需延期。"))
        new_due = locked.due_on
        if months:
            new_due = _months_later(new_due, locked.state_entered_at, months)
        if days:
            new_due = add_working_days(new_due, days)
        return new_due

    return _change_due(
        actor=actor, obj=obj, reason=reason, enforce=True, compute=compute, extra={"days": days, "months": months}
    )


def _change_due(*, actor: Any, obj: Any, reason: Any, enforce: Any, compute: Any, extra: Any = None) -> WorkflowEvent:
    reason = (reason or "").strip()
    try:
        with transaction.atomic():
            locked = _lock(obj)
            if locked.state_id is None:
                raise InvalidEdge(_("该事项尚未进入流程。"))
            definition = _started_definition(locked)
            state = definition.state(locked.state_id) or State.objects.select_related("workflow").get(
                pk=locked.state_id
            )
            if enforce:
                if not any(holds_role(actor, role, locked) for role in state.extend_roles or ()):
                    raise NotAllowed(_("您没有调整本环节期限的权限。"))
                if not reason:
                    raise ReasonRequired(_("调整期限须填写理由。"))
            new_due = compute(locked, state)
            if enforce and new_due is not None:
                limit = max_due(locked, state)
                if limit is not None and new_due > limit:
                    raise DeadlineError(
                        _("调整后的到期日 %(new)s 超过本环节最长期限 %(limit)s。")
                        % {"new": new_due.isoformat(), "limit": limit.isoformat()}
                    )
            old_due = locked.due_on
            locked.due_on = new_due
            locked.overdue = bool(new_due and new_due < timezone.localdate())
            fields = ["due_on", "overdue"]
            if extra is not None:
                locked.deadline_extensions += 1
                fields.append("deadline_extensions")
            locked.save(update_fields=fields)
            payload = {"from_due": old_due.isoformat() if old_due else None, "to_due": new_due and new_due.isoformat()}
            payload.update(extra or {})
            event = record_event(
                obj=locked,
                kind=WorkflowEvent.Kind.DEADLINE,
                actor=actor,
                from_state=state,
                to_state=state,
                transition_obj=None,
                payload=payload,
                reason=reason,
                at=timezone.now(),
            )
            audit_record(
                actor=actor,
                action=f"{state.workflow.key}.{'extend_deadline' if extra is not None else 'set_due'}",
                obj=locked,
                detail={"event": event.pk, **payload, "reason": reason},
            )
            _notify_after_commit(locked, event, None, state.workflow.key, roles=state.responsible_roles)
    except TransitionError as exc:
        audit_record(
            actor=actor,
            action="workflow.deadline",
            obj=obj,
            result=exc.audit_result,
            detail={"code": exc.code, "message": exc.message},
        )
        raise
    _copy_fields(locked, obj)
    return event


def max_due(obj: Any, state: State) -> date | None:
    """The latest due date extensions may reach in this state, or None when the state sets no maximum."""
    if not state.deadline_max_amount or obj.state_entered_at is None:
        return None
    return compute_due(timezone.localdate(obj.state_entered_at), state.deadline_max_amount, state.deadline_unit)


def _months_later(due: date, entered_at: Any, months: int) -> date:
    """due + months. A due date that is "k months after entering the state" (moved off a day off) stays anchored to
    the entry date, so 3 months + 1 + 1 + 1 lands exactly on the 6-month maximum instead of drifting past it with
    each roll-forward or month-end clamp (31 Jan → 28 Feb → 28 Mar)."""
    if entered_at is not None:
        entered = timezone.localdate(entered_at)
        k = 0
        while add_months(entered, k + 1) <= due:
            k += 1
        if k and next_workday(add_months(entered, k)) == due:
            return next_workday(add_months(entered, k + months))
    return next_workday(add_months(due, months))


def users_for_roles(obj: Any, roles: Any) -> list[Any]:
    """The people holding these roles on obj: relational roles through their registered members(), organization
    roles through accounts."""
    found = {}
    for role in roles or ():
        relational = registry.relational_role(obj._meta.label, role)
        if relational is not None:
            people = relational.members(obj) if relational.members else ()
        else:
            people = users_with_role(obj.organization_id, role)
        for person in people:
            if person is not None:
                found[person.pk] = person
    return list(found.values())


# internals


def lock(obj: Any) -> Any:
    """The object's row, re-read under a row lock, with its workflow and state taken from the definition cache (the
    version is read in the same query). For domain services that lock before they write and transition."""
    locked = _lock(obj)
    definition = _definition(locked)
    if definition is not None:
        state = definition.state(locked.state_id)
        if state is not None:
            locked.state = state
    return locked


def _lock(obj: Any) -> Any:
    """The object's row, re-read under a row lock. The second of two concurrent writers waits here until the first
    commits and then sees its result (select_for_update is a no-op on SQLite, where IMMEDIATE transactions
    serialize writers instead). The workflow's current updated_at comes along (a subquery, no join under the lock),
    so that _definition() knows whether its cached definition is current without another query."""
    if obj.pk is None:
        raise InvalidEdge(_("该事项尚未保存。"))
    version = Workflow.objects.filter(pk=OuterRef("workflow_id")).values("updated_at")[:1]
    return type(obj)._default_manager.select_for_update().annotate(_workflow_version=Subquery(version)).get(pk=obj.pk)


def _definition(locked: Any) -> cache.Definition | None:
    """The definition of the locked object's workflow, current as of the lock; also puts that workflow on the row."""
    if locked.workflow_id is None:
        return None
    definition = cache.get(locked.workflow_id, locked._workflow_version)
    locked.workflow = definition.workflow
    return definition


def _started_definition(locked: Any) -> cache.Definition:
    """The definition of a locked object that is in a workflow (InvalidEdge when it is in none)."""
    definition = _definition(locked)
    if definition is None:
        raise InvalidEdge(_("该事项尚未进入流程。"))
    return definition


def _expected_state_id(obj: Any, expected_state: Any) -> int | str | None:
    """The state id the caller saw, or a state key to resolve in the object's workflow once it is locked."""
    if expected_state is None:
        return obj.state_id  # type: ignore[no-any-return]
    if isinstance(expected_state, State):
        return expected_state.pk
    if isinstance(expected_state, int):
        return expected_state
    if isinstance(expected_state, str) and expected_state.isdigit():
        return int(expected_state)
    return str(expected_state)


def _due_for(obj: Any, workflow_key: str, state: State, entered_on: date) -> date | None:
    default = compute_due(entered_on, state.deadline_amount, state.deadline_unit)
    policy = registry.due_policy(workflow_key, state.key)
    return policy(obj, state, entered_on, default) if policy else default


def _check_payload(chosen: Transition, payload: dict[str, Any]) -> None:
    schema = chosen.payload_schema or {}
    fields = schema.get("fields", {})
    for name in schema.get("required", ()):
        if payload.get(name) in (None, "", []):
            label = fields.get(name, {}).get("label", name)
            raise InvalidPayload(_("请填写“%(field)s”。") % {"field": label})
    for name, spec in fields.items():
        choices = spec.get("choices")
        if choices and name in payload and payload[name] not in (None, "") and payload[name] not in choices:
            raise InvalidPayload(_("“%(field)s”的取值无效。") % {"field": spec.get("label", name)})


def record_event(
    *,
    obj: Any,
    kind: Any,
    actor: Any,
    from_state: Any,
    to_state: Any,
    transition_obj: Any,
    payload: Any,
    reason: Any,
    at: Any,
) -> WorkflowEvent:
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    # Names are stored as their source (msgid) whatever the writer's language, and shown through core.names.named.
    with translation.override(None):
        system, kind_name = str(_("系统")), str(WorkflowEvent.Kind(kind).label)
    return WorkflowEvent.objects.create(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=obj.pk,
        organization_id=getattr(obj, "organization_id", None),
        workflow_id=obj.workflow_id,
        kind=kind,
        transition=transition_obj,
        from_state=from_state,
        to_state=to_state,
        actor=actor if authenticated else None,
        actor_name=(getattr(actor, "display_name", "") or str(actor))[:150] if authenticated else system,
        transition_name=transition_obj.name if transition_obj else kind_name,
        from_state_name=from_state.name if from_state else "",
        to_state_name=to_state.name,
        payload=payload,
        reason=reason,
        due_on=obj.due_on,
        at=at,
    )


def _copy_fields(source: Any, dest: Any) -> None:
    """Bring the caller's instance up to date with the committed row (hooks may have changed more fields)."""
    for field in source._meta.concrete_fields:
        setattr(dest, field.attname, getattr(source, field.attname))
    for name in ("workflow", "state"):
        if source._meta.get_field(name).is_cached(source):
            setattr(dest, name, getattr(source, name))


def _notify_after_commit(
    obj: Any, event: WorkflowEvent, chosen: Transition | None, workflow_key: str, roles: Any = None
) -> None:

    def send() -> None:
        custom = registry.notifier(workflow_key)
        messages = (custom(obj, event) or []) if custom else _default_messages(obj, event, chosen, roles)
        for recipients, title, body, url in messages:
            people = [p for p in recipients if event.actor_id is None or p.pk != event.actor_id]
            if people:
                notify(
                    recipients=people,
                    kind=f"workflow.{workflow_key}.{chosen.key if chosen else event.kind}",
                    title=title,
                    body=body,
                    url=url,
                    organization=getattr(obj, "organization_id", None),
                )

    # robust: a failing SMS gateway or notifier must not turn a committed transition into an error page.
    after_commit(send, robust=True)


def _default_messages(obj: Any, event: WorkflowEvent, chosen: Transition | None, roles: Any) -> list[tuple[Any, ...]]:
    roles = chosen.notify if chosen is not None else roles
    recipients = users_for_roles(obj, roles)
    if not recipients:
        return []
    # Callables: notify renders them in each recipient's language (names through core.names.named).
    if event.kind == WorkflowEvent.Kind.DEADLINE:

        def title() -> str:
            return _("%(obj)s：办理期限调整为 %(due)s") % {"obj": obj, "due": event.due_on or _("不限")}

        def body() -> str:
            return event.reason

    else:

        def title() -> str:
            return _("%(obj)s：%(action)s") % {"obj": obj, "action": named(event.transition_name)}

        def body() -> str:
            names = {"from": named(event.from_state_name), "to": named(event.to_state_name)}
            text = _("状态由“%(from)s”变为“%(to)s”。") % names
            return text + (_("理由：%(reason)s") % {"reason": event.reason} if event.reason else "")

    return [(recipients, title, body, object_url(obj))]


def state_body(event: WorkflowEvent) -> Callable[[], str]:
    """A notification body naming the new state and the reason, rendered in each recipient's language."""

    def body() -> str:
        text = _("当前状态：%(state)s。") % {"state": named(event.to_state_name)}
        return text + (_("理由：%(reason)s") % {"reason": event.reason} if event.reason else "")

    return body


def object_url(obj: Any) -> str:
    get_url = getattr(obj, "get_absolute_url", None)
    return get_url() if get_url else ""
