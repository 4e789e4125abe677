"""Public disclosure (no login): filed proposals and the replies the office published, with contact data masked."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from xieshang.accounts.models import Organization
from xieshang.core.privacy import mask_name, mask_phone

from .. import page_cache, page_queries
from ..forms import PublicFilterForm
from ..models import Proposal
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
    def build():
        organization = _organization(org)
        form = PublicFilterForm(request.GET or None, organization=organization)
        filters = {}
        if form.is_bound and form.is_valid():
            filters = {k: v for k, v in form.cleaned_data.items() if v}
        page = paginate(request, page_queries.public_proposals(organization, **filters), per_page=20)
        return {"organization": organization, "page": page, "form": form, "keep": {"org_name": organization.name}}

    part = page_cache.part(request, "proposals/_public_list_part.html", build, org)
    return render(request, "proposals/public_list.html", {"part": part.html, "org_code": org, **part.keep})


def public_detail_view(request, org: str, pk: int):
    def build():
        organization = _organization(org)
        proposal = page_queries.public_proposal(organization, pk)
        if proposal is None:
            raise Http404
        # Every free text shown publicly passes the mask: members write phone numbers and e-mail addresses into
        # bodies too.
        replies = [
            {
                "reply": r,
                "text": page_queries.mask_contacts(r.text),
                "contact_person": mask_name(r.contact_person),
                "contact_phone": mask_phone(r.contact_phone),
            }
            for r in proposal.published_replies
        ]
        return {
            "organization": organization,
            "proposal": proposal,
            "body": page_queries.mask_contacts(proposal.body),
            "replies": replies,
            "keep": {"title": proposal.title, "organization_id": organization.pk},
        }

    part = page_cache.part(request, "proposals/_public_detail_part.html", build, org, pk)
    # The follow button is the reader's own: drawn around the part, for the proposal named by its key alone.
    followed = Proposal(pk=pk, organization_id=part.keep["organization_id"])
    context = {"part": part.html, "org_code": org, "title": part.keep["title"], "followed": followed}
    return render(request, "proposals/public_detail.html", context)
