"""Pages of groups, visits and the expert pool: a group's form (leader, members, experts, plan), a visit's form
(where, when, who led, findings, the first recommendation and its owner), the visit's page with its recommendations
tracked as consultation outcomes, and the organization's expert pool. Every write goes through services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xieshang.consultations import selectors as consultation_selectors
from xieshang.core.idempotency import once_per_submission
from xieshang.core.services import require

from . import selectors, services
from .forms import ExpertForm, GroupForm, RecommendationForm, VisitForm, apply_errors
from .views_base import organization_of


@login_required
@once_per_submission
def group_new(request, pk: int):
    activity = selectors.get_activity_for_user(request.user, organization_of(request), pk)
    require(request.user, "activities.manage_groups", activity)
    form = GroupForm(request.POST or None, organization=activity.organization)
    if request.method == "POST" and form.is_valid():
        try:
            services.group_create(actor=request.user, activity=activity, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("工作组已建立，组长和成员已列入参加人员。"))
            return redirect(activity)
    return render(
        request,
        "activities/group_form.html",
        {"activity": activity, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def visit_new(request, pk: int):
    activity = selectors.get_activity_for_user(request.user, organization_of(request), pk)
    require(request.user, "activities.record_visit", activity)
    form = VisitForm(request.POST or None, activity=activity)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        recommendations = []
        if data["title"] or data["body"] or data["owner_unit"]:
            recommendations.append(services.Recommendation(data["title"], data["body"], owner_unit=data["owner_unit"]))
        try:
            visit = services.visit_record(
                actor=request.user,
                activity=activity,
                group=data["group"],
                place=data["place"],
                visited_at=data["visited_at"],
                led_by=data["led_by"],
                findings=data["findings"],
                recommendations=recommendations,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("走访记录已保存，意见建议已列入成果跟踪。"))
            return redirect(visit)
    return render(
        request,
        "activities/visit_form.html",
        {"activity": activity, "form": form},
        status=400 if form.errors else 200,
    )


def _visit_page(request, visit, form=None, status=200):
    can_record = request.user.has_perm("activities.record_visit", visit.activity)
    if can_record and form is None:
        form = RecommendationForm(organization=visit.organization_id)
    return render(
        request,
        "activities/visit.html",
        {
            "visit": visit,
            "activity": visit.activity,
            "outcomes": consultation_selectors.outcomes_of_origins([visit]),
            "form": form if can_record else None,
        },
        status=status,
    )


@login_required
def visit_detail(request, pk: int):
    return _visit_page(request, selectors.get_visit_for_user(request.user, organization_of(request), pk))


@login_required
@require_POST
def visit_recommend(request, pk: int):
    visit = selectors.get_visit_for_user(request.user, organization_of(request), pk)
    form = RecommendationForm(request.POST, organization=visit.organization_id)
    if form.is_valid():
        try:
            services.visit_recommend(
                actor=request.user, visit=visit, recommendation=services.Recommendation(**form.cleaned_data)
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("意见建议已列入成果跟踪。"))
            return redirect(visit)
    return _visit_page(request, visit, form, status=400)


@login_required
@once_per_submission
def experts(request):
    organization = organization_of(request)
    require(request.user, "activities.manage_experts", organization)
    form = ExpertForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.expert_add(actor=request.user, organization=organization, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("专家已入库。"))
            return redirect("activities:experts")
    return render(
        request,
        "activities/experts.html",
        {"experts": selectors.experts_for(organization), "form": form},
        status=400 if form.errors else 200,
    )
