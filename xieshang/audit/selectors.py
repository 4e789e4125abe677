from django.db.models import QuerySet

from .models import AuditEntry


def audit_entries(*, organization_ids=None, actor=None, action="", object_type="", result="", since=None, until=None):
    qs: QuerySet[AuditEntry] = AuditEntry.objects.all()
    if organization_ids is not None:
        qs = qs.filter(organization_id__in=organization_ids) | qs.filter(organization_id__isnull=True)
    if actor:
        qs = qs.filter(actor_name__icontains=actor)
    if action:
        qs = qs.filter(action__icontains=action)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if result:
        qs = qs.filter(result=result)
    if since:
        qs = qs.filter(at__date__gte=since)
    if until:
        qs = qs.filter(at__date__lte=until)
    return qs.order_by("-at", "-id")
