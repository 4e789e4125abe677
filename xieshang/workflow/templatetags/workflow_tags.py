from typing import Any

from django import template
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.safestring import SafeString

from xieshang.core.names import named

from .. import timeline
from ..retry import take_retry
from ..selectors import available_transitions, events_for

register = template.Library()


@register.simple_tag
def transition_url(obj: Any, key: str) -> str:
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    return reverse("workflow:transition", args=[ct.pk, obj.pk, key])


@register.filter
def payload_items(event: Any) -> list[tuple[SafeString, SafeString]]:
    """(label, readable html) pairs of an event's payload, as the domains registered them (workflow.timeline)."""
    return timeline.payload_items(event)


@register.inclusion_tag("workflow/_timeline.html")
def workflow_timeline(obj: Any) -> Any:
    return {"obj": obj, "events": events_for(obj)}


@register.inclusion_tag("workflow/_actions.html", takes_context=True)
def workflow_actions(context: Any, obj: Any) -> Any:
    request = context.get("request")
    user = getattr(request, "user", None)
    retry = None
    if request is not None:
        ct = ContentType.objects.get_for_model(obj, for_concrete_model=True)
        retry = take_retry(request, ct.pk, obj.pk)
    actions = []
    for a in available_transitions(user, obj):
        again = retry if retry and retry.get("key") == a.transition.key else None
        schema = a.transition.payload_schema or {}
        typed = (again or {}).get("payload", {})
        fields = [
            {
                "name": name,
                "label": named(spec.get("label")) or name,
                "choices": spec.get("choices"),
                "required": name in schema.get("required", []),
                "value": typed.get(name, ""),
            }
            for name, spec in (schema.get("fields") or {}).items()
        ]
        actions.append(
            {
                "a": a,
                "fields": fields,
                "reason": (again or {}).get("reason", ""),
                "error": (again or {}).get("error", ""),
            }
        )
    return {
        "obj": obj,
        "actions": actions,
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }
