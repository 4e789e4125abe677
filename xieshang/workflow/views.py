"""The one generic page endpoint: the POST target of workflow/_actions.html. Domain pages with richer forms call
services.transition from their own views instead."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xieshang.accounts.selectors import user_organization_ids
from xieshang.core.names import named

from .exceptions import TransitionError
from .models import WorkflowObject
from .retry import RETRY_SESSION_KEY
from .selectors import available_transitions
from .services import object_url, transition


def _workflow_object_or_404(user: Any, ct_id: int, pk: int) -> Any:
    content_type = get_object_or_404(ContentType, pk=ct_id)
    model = content_type.model_class()
    if model is None or not issubclass(model, WorkflowObject):
        raise Http404
    obj = get_object_or_404(model._default_manager, pk=pk)
    # Outsiders learn nothing, not even that the object exists or which state it is in.
    if getattr(obj, "organization_id", None) not in user_organization_ids(user) and not any(
        a.permitted for a in available_transitions(user, obj)
    ):
        raise Http404
    return obj


@require_POST
@login_required
def take_transition(request: Any, ct: int, pk: int, key: str) -> Any:
    obj = _workflow_object_or_404(request.user, ct, pk)
    payload = {name[len("payload_") :]: value for name, value in request.POST.items() if name.startswith("payload_")}
    try:
        event = transition(
            actor=request.user,
            obj=obj,
            transition_key=key,
            payload=payload,
            reason=request.POST.get("reason", ""),
            expected_state=request.POST.get("expected_state") or None,
        )
    except (TransitionError, ValidationError) as exc:
        # A refusal of the engine, or a domain hook refusing the data (e.g. a merge target that does not exist): the
        # transaction rolled back; the message is shown and what was typed comes back in the form after the redirect
        # (workflow_actions reads it once).
        message = exc.message if isinstance(exc, TransitionError) else " ".join(exc.messages)
        messages.error(request, message)
        request.session[RETRY_SESSION_KEY] = {
            "ct": ct,
            "pk": pk,
            "key": key,
            "payload": payload,
            "reason": request.POST.get("reason", ""),
            "error": str(message),
        }
    else:
        messages.success(
            request,
            _("已%(action)s，当前状态：%(state)s。")
            % {"action": named(event.transition_name), "state": named(event.to_state_name)},
        )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = object_url(obj) or "/"
    return redirect(target)
