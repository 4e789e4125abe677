"""Reads: which workflow applies, what a state allows, who may take which transition, and an object's timeline."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from xieshang.accounts.selectors import has_role, organization_id
from xieshang.core.names import named

from . import cache, registry
from .models import Transition, Workflow, WorkflowEvent, WorkflowObject

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from xieshang.accounts.models import Organization, User

    # Who asks the engine: a person (signed in or not), or None for the system (reminders, deadlines).
    Actor = User | AnonymousUser | None

SYSTEM_ROLE = "system"


@dataclass(frozen=True)
class Available:
    transition: Transition
    allowed: bool
    reason: str = ""
    permitted: bool = True  # the actor holds a role for it; False means `reason` is about rights, not conditions

    @property
    def key(self) -> str:
        return self.transition.key


def workflow_for(organization: Organization | int | None, key: str) -> Workflow | None:
    """The organization's own active copy of workflow `key`, else the platform default."""
    org_id = None if organization is None else organization_id(organization)
    candidates = Workflow.objects.filter(key=key, is_active=True)
    if org_id is not None:
        own = candidates.filter(organization_id=org_id).first()
        if own is not None:
            return own
    return candidates.filter(organization__isnull=True).first()


def state_allows(obj: Any, flag: str) -> bool:
    """Whether the object's current state allows `flag` ("edit", "cosign", "comment", ...). No state: nothing."""
    state = obj.state if obj.state_id else None
    return bool(state and state.allows.get(flag, False))


def workflow_models() -> list[type[WorkflowObject]]:
    """Every installed concrete model that runs through a workflow."""
    return [m for m in apps.get_models() if issubclass(m, WorkflowObject) and not m._meta.abstract]


def events_for(obj: Any) -> QuerySet[WorkflowEvent]:
    """The object's timeline, oldest first, ready for workflow/_timeline.html."""
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    return (
        WorkflowEvent.objects.filter(content_type=ct, object_id=obj.pk)
        .select_related("actor", "transition", "workflow")
        .order_by("at", "id")
    )


def holds_role(user: Actor, role: str, obj: Any) -> bool:
    if role == SYSTEM_ROLE:
        return user is None
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    relational = registry.relational_role(obj._meta.label, role)
    if relational is not None:
        return bool(relational.check(user, obj))
    return has_role(user, role, obj.organization_id)


def permission_failure(user: Actor, obj: Any, transition: Transition) -> str | None:
    """None when the user may take the transition, else why not."""
    if any(holds_role(user, role, obj) for role in transition.roles or ()):
        return None
    names = "、".join(registry.role_label(r) for r in transition.roles or () if r != SYSTEM_ROLE)
    if not names:
        return _("此操作由系统自动执行。")
    return _("您没有执行“%(action)s”的权限（需要：%(roles)s）。") % {"action": named(transition.name), "roles": names}


def condition_failure(obj: Any, actor: Actor, transition: Transition, payload: dict[str, Any] | None) -> str | None:
    """The first unmet condition's reason, or None. An unknown key fails closed: a typo must not open a gate."""
    for key in transition.conditions or ():
        check = registry.condition(key)
        if check is None:
            return _("流程配置错误：未知条件“%(key)s”，请联系系统管理员。") % {"key": key}
        reason = check(obj, actor, payload or {})
        if reason:
            return str(reason)
    return None


def definition_of(obj: Any) -> cache.Definition:
    """The cached definition of the object's workflow. When the object was read together with its workflow row
    (select_related("workflow"), or after a transition) that row's updated_at is the version and no query is made;
    otherwise the version is read with one query."""
    field = obj._meta.get_field("workflow")
    if field.is_cached(obj) and obj.workflow is not None and obj.workflow.pk == obj.workflow_id:
        return cache.for_workflow(obj.workflow)
    return cache.current(obj.workflow_id)


def outgoing_transitions(obj: Any) -> list[Transition]:
    """The active transitions out of the object's state, in (order, id) order (shared cached rows: read only)."""
    if not obj.state_id:
        return []
    return list(definition_of(obj).outgoing_from(obj.state_id))


def available_transitions(actor: Actor, obj: Any) -> list[Available]:
    """Every active transition out of the object's state, with whether this actor may take it now and why not.
    Pages show the refused ones disabled with the reason, so people see what is missing."""
    result = []
    for transition in outgoing_transitions(obj):
        refusal = permission_failure(actor, obj, transition)
        if refusal:
            result.append(Available(transition, False, refusal, permitted=False))
            continue
        blocked = condition_failure(obj, actor, transition, None)
        result.append(Available(transition, blocked is None, blocked or ""))
    return result


def state_ids_tagged(tag: str) -> list[int]:
    """Ids of every state (of every workflow, organization copies included) that carries the phase tag."""
    return cache.state_ids_tagged(tag)


def forget_tags() -> None:
    cache.forget_tags()


def state_has(obj: Any, tag: str) -> bool:
    """Whether the object's current state carries the phase tag ("review", "handling", "rating", "public" …)."""
    state = obj.state if getattr(obj, "state_id", None) else None
    return bool(state and tag in (state.tags or ()))


def state_tag(tag: str) -> Any:
    """The condition "the object's state carries `tag`" in both forms (accounts.visibility.Condition), for
    visibility specs and selectors: `Q(state_id__in=…)` for SQL, `state_has` for one object."""
    from xieshang.accounts.visibility import Condition

    return Condition(q=lambda: Q(state_id__in=cache.state_ids_tagged(tag)), test=lambda obj: state_has(obj, tag))


def audit_action_label(code: str) -> str | None:
    """The audit log's label for a code the workflow builds: "<workflow key>.<transition key>" names the transition
    (in the reader's language), "<workflow key>.start" and the deadline actions their service; "workflow.<key>" is a
    refused transition."""
    from xieshang.audit.actions import WORKFLOW_ACTIONS

    workflow_key, _dot, key = code.partition(".")
    if not key:
        return None
    if key in WORKFLOW_ACTIONS and workflow_key != "workflow":
        return str(WORKFLOW_ACTIONS[key])
    transitions = Transition.objects.filter(key=key)
    if workflow_key != "workflow":
        transitions = transitions.filter(workflow__key=workflow_key)
    name = transitions.values_list("name", flat=True).first()
    return str(named(name)) if name else None
