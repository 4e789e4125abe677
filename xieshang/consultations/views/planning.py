"""The annual plan and a consultation's page, with the forms posted on it (invitations, registration, agenda,
minutes, recommendations, materials)."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xieshang.core.idempotency import once_per_submission
from xieshang.core.views import submit
from xieshang.workflow.selectors import state_has

from .. import selectors, services
from ..forms import (
    CallForm,
    ConsultationForm,
    InviteForm,
    MaterialForm,
    MinutesForm,
    OutcomeForm,
    PlanApprovalForm,
    RegisterForm,
    SegmentForm,
    apply_errors,
)
from ..models import Kind
from ..workflows import AWAITING_APPROVAL
from ._base import PER_PAGE, _need, _org, _year


@login_required
def consultation_list(request):
    organization = _org(request)
    _need(request, "consultations.view_room", organization)
    page = Paginator(selectors.consultations_for_user(request.user, organization), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "consultations/list.html",
        {"page": page, "can_create": rules.has_perm("consultations.add_consultation", request.user, organization)},
    )


def _plan_context(request, organization, year, approval_form=None):
    items = selectors.plan_for(request.user, organization, year)
    by_kind = selectors.consultations_by_kind(organization, year)
    pending = sum(1 for c in items if state_has(c, AWAITING_APPROVAL) and c.organization_id == organization.pk)
    may_approve = pending and rules.has_perm("consultations.record_approval", request.user, organization)
    if may_approve and approval_form is None:
        region = organization.region or ""
        approval_form = PlanApprovalForm(initial={"body": _("中共%(region)s委") % {"region": region} if region else ""})
    return {
        "items": items,
        "year": year,
        "kind_counts": [(label, by_kind.get(key, 0)) for key, label in Kind.choices],
        "practical_matters": selectors.practical_matters_done(organization, year),
        "can_create": rules.has_perm("consultations.add_consultation", request.user, organization),
        "approval_form": approval_form if may_approve else None,
        "pending_approval": pending,
    }


@login_required
def plan_view(request):
    organization = _org(request)
    _need(request, "consultations.view_plan", organization)
    return render(request, "consultations/plan.html", _plan_context(request, organization, _year(request)))


@login_required
@require_POST
def plan_approval_view(request):
    """Committee staff record the party committee's approval of the year's proposed topics, with its document."""
    organization = _org(request)
    _need(request, "consultations.record_approval", organization)
    year = _year(request)
    return submit(
        request,
        PlanApprovalForm(request.POST),
        lambda data: services.plan_record_approval(actor=request.user, organization=organization, year=year, **data),
        success=lambda done: _("已登记党委批准，共 %(n)d 项议题。") % {"n": len(done)},
        to=f"{reverse('consultations:plan')}?year={year}",
        page=lambda form: render(
            request,
            "consultations/plan.html",
            _plan_context(request, organization, year, approval_form=form),
            status=400,
        ),
    )


@login_required
@once_per_submission
def consultation_create(request):
    organization = _org(request)
    _need(request, "consultations.add_consultation", organization)
    form = ConsultationForm(request.POST or None, organization=organization)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            consultation = services.consultation_create(actor=request.user, organization=organization, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已列入年度协商计划。"))
            return redirect(consultation)
    return render(request, "consultations/form.html", {"form": form})


def _detail_context(request, consultation, **forms):
    user = request.user
    can = {
        perm: rules.has_perm(f"consultations.{perm}", user, consultation)
        for perm in (
            "invite",
            "view_attendance",
            "show_checkin_code",
            "register",
            "post_live",
            "edit_agenda",
            "write_minutes",
            "add_recommendation",
            "add_media",
            "add_material",
            "view_materials",
            "open_call",
            "host_live",
        )
    }
    staff_orgs = selectors.staff_host_ids(user, consultation)
    context = {
        "consultation": consultation,
        "hosts": consultation.hosts.all(),
        "segments": consultation.segments.select_related("speaker"),
        "invitations": selectors.invitations_visible(user, consultation),
        "my_invitation": consultation.invitations.filter(user=user).first(),
        "outcomes": consultation.outcomes.select_related("state", "owner_unit", "owner_leader"),
        "dispatches": consultation.dispatches.all() if staff_orgs else [],
        "can": can,
        "invite_form": forms.get("invite_form") or (InviteForm(organization_ids=staff_orgs) if can["invite"] else None),
        "segment_form": forms.get("segment_form")
        or (SegmentForm(organization_ids=staff_orgs) if can["edit_agenda"] else None),
        "minutes_form": forms.get("minutes_form")
        or (MinutesForm(initial={"minutes": consultation.minutes}) if can["write_minutes"] else None),
        "outcome_form": forms.get("outcome_form")
        or (OutcomeForm(organization_ids=staff_orgs) if can["add_recommendation"] else None),
        "register_form": forms.get("register_form") or (RegisterForm() if can["register"] else None),
        "materials": consultation.materials.select_related("organization") if can["view_materials"] else [],
        "material_form": forms.get("material_form") or (MaterialForm() if can["add_material"] else None),
        "timeline": selectors.timeline_for(user, consultation),
        "calls": selectors.calls_of(consultation),
        "call_form": forms.get("call_form") or (CallForm() if can["open_call"] else None),
    }
    return context


@login_required
def consultation_detail(request, pk: int):
    consultation = selectors.get_consultation_for_user(request.user, pk)
    return render(request, "consultations/detail.html", _detail_context(request, consultation))


def _post_form(request, pk, form_name, form, perform):
    consultation = selectors.get_consultation_for_user(request.user, pk)
    return submit(
        request,
        form(consultation),
        lambda data: perform(consultation, data),
        success=_("已保存。"),
        to=consultation,
        page=lambda bound: render(
            request,
            "consultations/detail.html",
            _detail_context(request, consultation, **{form_name: bound}),
            status=400,
        ),
    )


@login_required
@require_POST
def invite_view(request, pk: int):
    def perform(c, data):
        services.invite(actor=request.user, consultation=c, users=data["users"], mode=data["mode"])

    return _post_form(
        request,
        pk,
        "invite_form",
        lambda c: InviteForm(request.POST, organization_ids=selectors.staff_host_ids(request.user, c)),
        perform,
    )


@login_required
@require_POST
def register_view(request, pk: int):
    return _post_form(
        request,
        pk,
        "register_form",
        lambda c: RegisterForm(request.POST),
        lambda c, data: services.register(actor=request.user, consultation=c, mode=data["mode"]),
    )


@login_required
@require_POST
@once_per_submission
def segment_view(request, pk: int):
    return _post_form(
        request,
        pk,
        "segment_form",
        # Choices list only the poster's own host: co-hosts never see each other's people.
        lambda c: SegmentForm(request.POST, organization_ids=selectors.staff_host_ids(request.user, c)),
        lambda c, data: services.segment_add(actor=request.user, consultation=c, **data),
    )


@login_required
@require_POST
def minutes_view(request, pk: int):
    return _post_form(
        request,
        pk,
        "minutes_form",
        lambda c: MinutesForm(request.POST),
        lambda c, data: services.minutes_save(actor=request.user, consultation=c, minutes=data["minutes"]),
    )


@login_required
@require_POST
@once_per_submission
def recommendation_view(request, pk: int):
    return _post_form(
        request,
        pk,
        "outcome_form",
        lambda c: OutcomeForm(request.POST, organization_ids=selectors.staff_host_ids(request.user, c)),
        lambda c, data: services.recommendation_add(actor=request.user, consultation=c, **data),
    )


@login_required
@require_POST
@once_per_submission
def material_view(request, pk: int):
    return _post_form(
        request,
        pk,
        "material_form",
        lambda c: MaterialForm(request.POST, request.FILES),
        lambda c, data: services.material_add(
            actor=request.user, consultation=c, title=data["title"], upload=data["file"]
        ),
    )


@login_required
@require_POST
@once_per_submission
def call_create_view(request, pk: int):
    """Staff open a public call (征集) on the consultation's page."""
    return _post_form(
        request,
        pk,
        "call_form",
        lambda c: CallForm(request.POST),
        lambda c, data: services.call_open(actor=request.user, consultation=c, **data),
    )
