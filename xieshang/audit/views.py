import rules
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render

from .forms import AuditFilterForm
from .selectors import audit_entries


@login_required
def audit_log_view(request):
    # rules.has_perm, not user.has_perm: a Django superuser flag must not open the audit trail to another duty.
    if not rules.has_perm("audit.view_auditentry", request.user, request.organization):
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    # The user's organizations, as accounts.CurrentOrganizationMiddleware set them: audit imports nothing of accounts.
    organization_ids = {o.pk for o in getattr(request, "organizations", ())}
    entries = audit_entries(organization_ids=organization_ids, **filters)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "audit/log.html", {"form": form, "page": page})
