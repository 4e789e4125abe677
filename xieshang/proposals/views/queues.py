"""The work queues: the proposals office's review queue and assignment queue (filters, bulk assignment), excellent
selection and publication; the unit's inbox; the supervisor's review queue; the leader's key proposals."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.accounts.models import Role
from xieshang.accounts.selectors import has_role
from xieshang.core import dbrouter
from xieshang.workflow.exceptions import TransitionError

from .. import page_cache, page_queries, selectors, services
from ..forms import BulkAssignForm, ExcellentForm, QueueFilterForm, apply_errors
from ..models import Proposal
from .common import STAFF, need, need_role, org_or_404, paginate, refusal_text
from .similar import queue_suggestions


def _filters(request, organization, default_tag: str) -> tuple[QueueFilterForm, selectors.QueueFilters]:
    form = QueueFilterForm(request.GET or None, organization=organization, states=page_queries.state_choices())
    f = selectors.QueueFilters(tag=default_tag)
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        kind = d.get("kind") or Proposal.Kind.PROPOSAL
        f = selectors.QueueFilters(
            states=(d["state"],) if d.get("state") else None,
            tag=default_tag,
            category=d["category"].pk if d.get("category") else None,
            sector=d["sector"].pk if d.get("sector") else None,
            unit=d["unit"].pk if d.get("unit") else None,
            year=d.get("year"),
            is_key=d.get("is_key"),
            fast_track=d.get("fast_track"),
            kind=None if kind == "all" else kind,
            overdue=d.get("overdue") or None,
            search=(d.get("q") or "").strip(),
        )
    return form, f


@login_required
def staff_queue_view(request):
    """The review queue: everything where the proposals office acts, oldest due first."""
    organization = org_or_404(request)
    need(request, "proposals.manage_proposal", organization)

    def build():
        form, f = _filters(request, organization, selectors.STAFF_TAG)
        page = paginate(request, selectors.staff_queue(organization, f))
        return {"page": page, "filter_form": form, "today": timezone.localdate()}

    part = page_cache.part(request, "proposals/_staff_queue_part.html", build, organization.pk)
    return render(request, "proposals/staff_queue.html", {"body": part.html, "queue": "review"})


@login_required
def assignment_queue_view(request):
    """Numbered proposals to plan, approved plans to send, returns to decide; with bulk assignment."""
    organization = org_or_404(request)
    need(request, "proposals.assign_proposal", organization)
    bulk = BulkAssignForm(request.POST or None, organization=organization)
    if request.method == "POST" and bulk.is_valid():
        done, refused = _bulk(request, bulk)
        if done:
            messages.success(request, _("已处理 %(n)d 件提案。") % {"n": done})
        for proposal, reason in refused:
            messages.error(request, f"{proposal}：{reason}")
        return redirect(request.get_full_path())
    form, f = _filters(request, organization, selectors.ASSIGNMENT_TAG)
    page = paginate(request, dbrouter.tolerant(selectors.assignment_queue(organization, f)))  # may lag (0042)
    suggestions = queue_suggestions(organization, page.object_list)
    rows = [(p, suggestions[p.pk]) for p in page.object_list if suggestions.get(p.pk)]
    return render(
        request,
        "proposals/assignment_queue.html",
        {
            "page": page,
            "filter_form": form,
            "bulk": bulk,
            "today": timezone.localdate(),
            "queue": "assignment",
            "suggested_rows": rows,
        },
        status=422 if request.method == "POST" else 200,
    )


def _bulk(request, form) -> tuple[int, list]:
    """Each proposal succeeds or fails on its own; the refusals are listed with their reasons."""
    user = request.user
    proposals = list(form.cleaned_data["proposals"])
    if form.cleaned_data["action"] == "assign":
        refused = []
        for p in proposals:
            try:
                services.proposal_assign(actor=user, proposal=p)
            except (TransitionError, ValidationError, PermissionDenied) as exc:
                refused.append((p, refusal_text(exc)))
        return len(proposals) - len(refused), refused
    units = form.units()
    if "split" not in units:
        results = services.bulk_assign(actor=user, plans=[(p, units["lead"], units["co"]) for p in proposals])
        refused = [(p, reason) for p, reason in results if reason]
        return len(results) - len(refused), refused
    refused = []
    for p in proposals:
        try:
            with transaction.atomic():
                services.assignment_plan(actor=user, proposal=p, split=units["split"])
                services.assignment_propose(actor=user, proposal=p)
        except (TransitionError, ValidationError, PermissionDenied) as exc:
            refused.append((p, refusal_text(exc)))
    return len(proposals) - len(refused), refused


@login_required
def unit_inbox_view(request):
    organization = org_or_404(request)
    need(request, "proposals.view_unit_inbox", organization)
    include_done = request.GET.get("all") == "1"

    def build():
        page = paginate(request, selectors.unit_inbox(request.user, organization, include_done=include_done))
        return {"page": page, "today": timezone.localdate()}

    part = page_cache.part(request, "proposals/_unit_inbox_part.html", build, organization.pk, reader=request.user.pk)
    return render(request, "proposals/unit_inbox.html", {"body": part.html, "include_done": include_done})


@login_required
def supervisor_queue_view(request):
    organization = org_or_404(request)
    need_role(request, organization, Role.SUPERVISOR, STAFF)
    page = paginate(request, selectors.supervisor_queue(organization))
    disputed = list(selectors.disputed_contacts(organization)[:50])
    return render(
        request,
        "proposals/supervisor_queue.html",
        {"page": page, "today": timezone.localdate(), "disputed": disputed},
    )


@login_required
def key_view(request):
    organization = org_or_404(request)
    need(request, "proposals.view_key_proposals", organization)
    is_leader = has_role(request.user, Role.LEADER, organization)
    only_mine = is_leader and request.GET.get("all") != "1"
    page = paginate(request, selectors.key_proposals(request.user, organization, only_mine=only_mine))
    return render(
        request,
        "proposals/key.html",
        {"page": page, "only_mine": only_mine, "is_leader": is_leader, "today": timezone.localdate()},
    )


@login_required
def excellent_view(request):
    """Year-end selection of excellent proposals among the year's filed proposals."""
    organization = org_or_404(request)
    need(request, "proposals.select_excellent", organization)
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    candidates = page_queries.excellent_candidates(organization, year)
    form = ExcellentForm(request.POST or None, queryset=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            n = services.excellent_select(actor=request.user, proposals=list(form.cleaned_data["proposals"]), year=year)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已评选 %(n)d 件优秀提案。") % {"n": n})
            return redirect(f"{request.path}?year={year}")
    page = paginate(request, candidates, per_page=100)
    years = range(timezone.localdate().year, timezone.localdate().year - 6, -1)
    return render(
        request,
        "proposals/excellent.html",
        {"page": page, "form": form, "year": year, "years": years},
        status=422 if request.method == "POST" else 200,
    )


@login_required
def publish_queue_view(request):
    """Replies that reached the member and await public disclosure, soonest deadline first."""
    organization = org_or_404(request)
    if not rules.has_perm("proposals.publish_reply", request.user, organization):
        raise PermissionDenied
    page = paginate(request, selectors.replies_to_publish(organization))
    return render(request, "proposals/publish_queue.html", {"page": page, "today": timezone.localdate()})
