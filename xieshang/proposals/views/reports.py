"""Statistics for overseers (tables, charts, Excel) and the printable documents (Word, PDF, print page)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from xieshang.accounts.models import Role
from xieshang.accounts.selectors import has_role
from xieshang.core import dbrouter
from xieshang.core import documents as core_documents
from xieshang.core.http import attachment_response

from .. import documents, page_cache, selectors
from ..forms import StatsForm
from ..models import Reply
from ..page_queries import may_read_letter
from ..statistics import Period, page_statistics, statistics_xlsx
from .common import need, org_or_404
from .similar import routing_accuracy, search_terms


def _period(request) -> tuple[StatsForm, Period]:
    form = StatsForm(request.GET or None, initial={"year": timezone.localdate().year, "kind": "proposal"})
    period = Period(year=timezone.localdate().year)
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        period = Period(year=d.get("year"), start=d.get("start"), end=d.get("end"), kind=d.get("kind") or "proposal")
    return form, period


@login_required
def stats_view(request):
    organization = org_or_404(request)
    need(request, "proposals.view_statistics", organization)
    form, period = _period(request)
    staff = has_role(request.user, Role.PROPOSALS_STAFF, organization)
    span = (period.start, period.end) if (period.start or period.end) else period.year

    def build():
        stats = page_statistics(organization, period)
        # The routing figures are staff's: the part varies by it. The keywords are read per request (below): they
        # follow the search index, counted by a task, not the generation of the proposal pages.
        search_stats = {"routing": routing_accuracy(organization)} if staff else None
        return {"form": form, "stats": stats, "query": request.GET.urlencode(), "search_stats": search_stats}

    part = page_cache.part(request, "proposals/_stats_part.html", build, organization.pk, staff)
    with dbrouter.lag_tolerant():  # the keywords' index version may lag by the replica's delay (decision 0042)
        search_stats = search_terms(organization, span) if staff else None
    return render(
        request,
        "proposals/stats.html",
        {"part": part.html, "search_stats": search_stats},
        status=422 if form.is_bound and not form.is_valid() else 200,
    )


@login_required
def stats_xlsx_view(request):
    organization = org_or_404(request)
    need(request, "proposals.view_statistics", organization)
    _form, period = _period(request)
    stats = page_statistics(organization, period)
    response = HttpResponse(
        statistics_xlsx(organization, stats),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="proposal-statistics-{period.year or "all"}.xlsx"'
    return response


def _file(content: bytes, name: str, kind: str) -> HttpResponse:
    content_type = core_documents.DOCX_TYPE if kind == "docx" else "application/pdf"
    # RFC 6266: the UTF-8 name (number and title) in filename*, an ASCII stand-in in filename.
    return attachment_response(content, filename=f"{name}.{kind}", content_type=content_type)


@login_required
def proposal_document_view(request, pk: int, kind: str):
    proposal = selectors.get_proposal_for_user(request.user, pk)
    if kind == "print":
        return render(request, "proposals/print_proposal.html", documents.proposal_context(proposal))
    content = documents.proposal_docx(proposal) if kind == "docx" else documents.proposal_pdf(proposal)
    return _file(content, documents.filename(proposal), kind)


@login_required
def reply_document_view(request, pk: int, reply_id: int, kind: str):
    proposal = selectors.get_proposal_for_user(request.user, pk)
    reply = get_object_or_404(Reply.objects.select_related("assignment__unit"), pk=reply_id, proposal=proposal)
    reply.proposal = proposal
    if not may_read_letter(request.user, reply):
        raise PermissionDenied
    if reply.status in (Reply.Status.SUPERSEDED,):
        raise Http404
    if kind == "print":
        return render(request, "proposals/print_reply.html", documents.reply_context(reply))
    content = documents.reply_docx(reply) if kind == "docx" else documents.reply_pdf(reply)
    return _file(content, documents.filename(proposal, f"-答复函-{reply.assignment.unit.name}"), kind)
