"""Writing the audit trail. Services call audit_record(); nothing updates or deletes a row."""

from __future__ import annotations

from django.db import connection, models

from .context import current_ip, pending_refusals, refusal_recorded
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
    entry = AuditEntry.objects.create(
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
    if result != AuditEntry.Result.SUCCESS:
        refusal_recorded.set(True)
    if result != AuditEntry.Result.SUCCESS and connection.in_atomic_block:
        pending = pending_refusals.get()
        if pending is not None:
            pending.append(entry)
    return entry


def keep_rolled_back_refusals(entries: list[AuditEntry]) -> int:
    """Write again the refusals whose transaction rolled back (their row no longer exists): a denied attempt stays
    on record even when the refused service ran inside its caller's transaction. Returns how many were rewritten."""
    if not entries:
        return 0
    surviving = set(AuditEntry.objects.filter(pk__in=[e.pk for e in entries]).values_list("pk", flat=True))
    lost = [e for e in entries if e.pk not in surviving]
    for entry in lost:
        entry.pk = None
        entry._state.adding = True
        entry.save(force_insert=True)
    return len(lost)
