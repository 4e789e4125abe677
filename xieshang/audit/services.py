"""Writing the audit trail. Services call audit_record(); nothing updates or deletes a row."""

from __future__ import annotations

from django.db import models

from .context import current_ip
from .models import AuditEntry


def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    result: str = AuditEntry.Result.SUCCESS,
    organization=None,
    detail: dict | None = None,
    ip: str | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
) -> AuditEntry:
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
        if organization is None:
            organization = getattr(obj, "organization_id", None)
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEntry.objects.create(
        actor=actor if authenticated else None,
        actor_name=(getattr(actor, "display_name", "") or str(actor))[:150] if authenticated else "",
        organization_id=getattr(organization, "pk", organization),
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        result=result,
        ip_address=ip or current_ip.get(),
        detail=detail or {},
    )
