"""Public disclosure (no login): filed proposals and the replies the office published, with contact data masked."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from xieshang.accounts.models import Organization
from xieshang.core import dbrouter
from xieshang.core.privacy import mask_name, mask_phone

from .. import page_queries
from ..forms import PublicFilterForm
from .common import paginate


def public_index_view(request):
    """With one organization, straight to its list; otherwise the list of organizations."""
    organizations = list(Organization.objects.filter(is_active=True).order_by("level", "code"))
    if len(organizations) == 1:
        return redirect("proposals:public_list", org=organizations[0].code)
    return render(request, "proposals/public_index.html", {"organizations": organizations})


def _organization(code: str) -> Organization:
    return get_object_or_404(Organization, code=code, is_active=True)


def public_list_view(request, org: str):
    organization = _organization(org)
    form = PublicFilterForm(request.GET or None, organization=organization)
    filters = {}
    if form.is_bound and form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v}
    # A public list may lag behind the office's publishing by the replica's delay (decision 0042).
    page = paginate(request, dbrouter.tolerant(page_queries.public_proposals(organization, **filters)), per_page=20)
    return render(request, "proposals/public_list.html", {"organization": organization, "page": page, "form": form})


def public_detail_view(request, org: str, pk: int):
    organization = _organization(org)
    proposal = page_queries.public_proposal(organization, pk)
    if proposal is None:
        raise Http404
    # Every free text shown publicly passes the mask: members write phone numbers and e-mail addresses into bodies too.
    replies = [
        {
            "reply": r,
            "text": page_queries.mask_contacts(r.text),
            "contact_person": mask_name(r.contact_person),
            "contact_phone": mask_phone(r.contact_phone),
        }
        for r in proposal.published_replies
    ]
    return render(
        request,
        "proposals/public_detail.html",
        {
            "organization": organization,
            "proposal": proposal,
            "body": page_queries.mask_contacts(proposal.body),
            "replies": replies,
        },
    )
