"""The registers' pages: a list with the form to add a row beside it (staff), read-only for leaders."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from xieshang.core.idempotency import once_per_submission

from . import selectors, services
from .forms import MatterForm, PartyReportForm, ReplyForm, VisitorGroupForm

PAGE_SIZE = 50


def _organization(request, perm: str = "registers.view"):
    organization = getattr(request, "organization", None)
    if organization is None:
        raise Http404
    if not rules.has_perm(perm, request.user, organization):
        raise PermissionDenied(_("只有本会机关工作人员和领导可以查看工作台账。"))
    return organization


def _save(request, form, write) -> bool:
    """Run `write(cleaned_data)` for a valid form; a refusal goes onto the form, which keeps what was typed."""
    if not form.is_valid():
        return False
    try:
        write(form.cleaned_data)
    except ValidationError as exc:
        form.add_error(None, exc)
        return False
    return True


@login_required
@once_per_submission
def party_reports(request):
    organization = _organization(request)
    can_record = rules.has_perm("registers.record", request.user, organization)
    form = PartyReportForm(request.POST or None)
    if request.method == "POST":
        _organization(request, "registers.record")
        if _save(request, form, lambda data: services.record_party_report(request.user, organization, **data)):
            messages.success(request, _("已登记请示报告。"))
            return redirect("registers:party_reports")
    page = Paginator(selectors.party_reports(organization.pk), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "registers/party_reports.html", {"form": form, "page": page, "can_record": can_record})


@login_required
def party_report(request, pk: int):
    organization = _organization(request)
    report = get_object_or_404(selectors.party_reports(organization.pk), pk=pk)
    can_record = rules.has_perm("registers.record", request.user, organization)
    form = ReplyForm(request.POST or None, initial={"reply": report.reply, "replied_on": report.replied_on})
    if request.method == "POST":
        _organization(request, "registers.record")
        if _save(request, form, lambda data: services.record_reply(request.user, report, **data)):
            messages.success(request, _("已记录答复。"))
            return redirect(report)
    return render(request, "registers/party_report.html", {"report": report, "form": form, "can_record": can_record})


@login_required
@once_per_submission
def matters(request):
    organization = _organization(request)
    can_record = rules.has_perm("registers.record", request.user, organization)
    form = MatterForm(request.POST or None)
    if request.method == "POST":
        _organization(request, "registers.record")
        if _save(request, form, lambda data: services.record_matter(request.user, organization, **data)):
            messages.success(request, _("已登记办实事事项。"))
            return redirect("registers:matters")
    page = Paginator(selectors.matters(organization.pk), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "registers/matters.html", {"form": form, "page": page, "can_record": can_record})


@login_required
@once_per_submission
def visitor_groups(request):
    organization = _organization(request)
    can_record = rules.has_perm("registers.record", request.user, organization)
    form = VisitorGroupForm(request.POST or None)
    if request.method == "POST":
        _organization(request, "registers.record")
        if _save(request, form, lambda data: services.record_visitor_group(request.user, organization, **data)):
            messages.success(request, _("已登记参观团组。"))
            return redirect("registers:visitor_groups")
    page = Paginator(selectors.visitor_groups(organization.pk), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "registers/visitor_groups.html", {"form": form, "page": page, "can_record": can_record})
