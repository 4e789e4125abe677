"""Pages of members' activities: the list (staff: all of the organization's; members: those they are invited to),
the create form, the detail (staff: participants, leave decisions, attendance, outputs; a member: their own
participation), "my activities", and the QR check-in. Every write goes through services."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xieshang.core import checkin
from xieshang.core.idempotency import once_per_submission
from xieshang.core.services import require
from xieshang.core.views import act, submit

from . import selectors, services
from .forms import (
    ActivityForm,
    AmountsForm,
    CancelForm,
    ImportForm,
    InviteForm,
    LeaveForm,
    OutputForm,
    apply_errors,
)
from .models import Activity, Participation

PER_PAGE = 30
STAFF_ACTIONS = (
    "change_activity",
    "invite",
    "publish",
    "cancel",
    "mark_held",
    "close",
    "record_attendance",
    "show_checkin_code",
    "add_output",
)


def _org(request):
    if request.organization is None:
        raise Http404
    return request.organization


def _activity(request, pk: int) -> Activity:
    return selectors.get_activity_for_user(request.user, _org(request), pk)


def _participation(request, pk: int) -> Participation:
    participation = get_object_or_404(
        Participation.objects.select_related("activity", "activity__kind", "member"), pk=pk
    )
    _activity(request, participation.activity_id)  # 404 unless the user may see the activity
    return participation


@login_required
def activity_list(request):
    organization = _org(request)
    activities = selectors.activities_for_user(request.user, organization)
    page = Paginator(activities, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "activities/list.html",
        {"page": page, "can_create": rules.has_perm("activities.add_activity", request.user, organization)},
    )


@login_required
@once_per_submission
def activity_create(request):
    organization = _org(request)
    require(request.user, "activities.add_activity", organization)
    form = ActivityForm(request.POST or None, organization=organization)
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_create(actor=request.user, organization=organization, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("活动已创建，请邀请参加的委员后发布通知。"))
            return redirect(activity)
    return render(request, "activities/form.html", {"form": form}, status=400 if form.errors else 200)


def _detail(request, activity: Activity, status: int = 200, **forms):
    user = request.user
    can = {action: rules.has_perm(f"activities.{action}", user, activity) for action in STAFF_ACTIONS}
    mine = selectors.participation_of(activity, user)
    context = {
        "activity": activity,
        "can": can,
        "mine": mine,
        "places_taken": selectors.places_taken(activity),
        "outputs": selectors.outputs_of(activity),
        "window": services.checkin_window(activity),
        "groups": selectors.groups_of(activity),
        "reception": selectors.reception_of(activity),
        "visits": selectors.visits_of(activity) if activity.kind.uses_visits else None,
        "can_group": activity.kind.uses_group
        and rules.has_perm("activities.manage_groups", user, activity)
        and activity.state in (Activity.State.PLANNED, Activity.State.OPEN),
        "can_visit": activity.kind.uses_visits and rules.has_perm("activities.record_visit", user, activity),
    }
    if can["invite"] or can["record_attendance"]:
        context["participations"] = selectors.participations_of(activity)
    if can["invite"] and activity.state in (Activity.State.PLANNED, Activity.State.OPEN):
        context["invite_form"] = forms.get("invite_form") or InviteForm(organization=activity.organization)
    if can["cancel"] and activity.state in (Activity.State.PLANNED, Activity.State.OPEN):
        context["cancel_form"] = forms.get("cancel_form") or CancelForm()
    if can["add_output"]:
        context["output_form"] = forms.get("output_form") or OutputForm()
    if can["record_attendance"] and activity.state in (Activity.State.OPEN, Activity.State.HELD):
        context["import_form"] = forms.get("import_form") or ImportForm()
    if can["record_attendance"] and (activity.kind.uses_donation or activity.kind.uses_volunteer):
        context["amounts"] = True
    if mine is not None and activity.state == Activity.State.OPEN:
        context["leave_form"] = forms.get("leave_form") or LeaveForm()
    return render(request, "activities/detail.html", context, status=status)


@login_required
def activity_detail(request, pk: int):
    return _detail(request, _activity(request, pk))


@login_required
@require_POST
def activity_invite(request, pk: int):
    activity = _activity(request, pk)
    require(request.user, "activities.invite", activity)
    return submit(
        request,
        InviteForm(request.POST, organization=activity.organization),
        lambda data: services.activity_invite(actor=request.user, activity=activity, **data),
        success=lambda created: _("已邀请 %(n)d 位委员。") % {"n": len(created)},
        to=activity,
        page=lambda form: _detail(request, activity, status=400, invite_form=form),
    )


def _simple(request, pk: int, call, done: str):
    activity = _activity(request, pk)
    return act(request, lambda: call(activity), success=done, to=activity, refusals=(ValidationError,))


@login_required
@require_POST
def activity_publish(request, pk: int):
    return _simple(
        request,
        pk,
        lambda a: services.activity_publish(actor=request.user, activity=a),
        _("已发布，通知已发给受邀委员。"),
    )


@login_required
@require_POST
def activity_mark_held(request, pk: int):
    return _simple(
        request, pk, lambda a: services.activity_mark_held(actor=request.user, activity=a), _("已标记为已举行。")
    )


@login_required
@require_POST
def activity_close(request, pk: int):
    return _simple(request, pk, lambda a: services.activity_close(actor=request.user, activity=a), _("活动已结束。"))


@login_required
@require_POST
def activity_cancel(request, pk: int):
    activity = _activity(request, pk)
    return submit(
        request,
        CancelForm(request.POST),
        lambda data: services.activity_cancel(actor=request.user, activity=activity, reason=data["reason"]),
        success=_("活动已取消。"),
        to=activity,
        page=lambda form: _detail(request, activity, status=400, cancel_form=form),
    )


@login_required
@require_POST
@once_per_submission
def activity_output(request, pk: int):
    activity = _activity(request, pk)
    return submit(
        request,
        OutputForm(request.POST, request.FILES),
        lambda data: services.output_add(actor=request.user, activity=activity, **data),
        success=_("成果已添加。"),
        to=activity,
        page=lambda form: _detail(request, activity, status=400, output_form=form),
    )


@login_required
@require_POST
def attendance_import(request, pk: int):
    activity = _activity(request, pk)
    require(request.user, "activities.record_attendance", activity)
    form = ImportForm(request.POST, request.FILES)
    if form.is_valid():
        if not form.cleaned_data["file"]:
            form.add_error("file", _("请选择出勤表文件。"))
        else:
            try:
                counts = services.attendance_import(
                    actor=request.user, activity=activity, file=form.cleaned_data["file"]
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request, _("已导入：出席 %(attended)d 人，缺席 %(absent)d 人，准假 %(on_leave)d 人。") % counts
                )
                return redirect(activity)
    return _detail(request, activity, status=400, import_form=form)


# ------------------------------------------------------------------------------------------------ participations
def _back(request, participation: Participation):
    """Where the member acted, to go back to: "my activities" or the activity's page."""
    return "activities:mine" if request.POST.get("back") == "mine" else participation.activity


@login_required
@require_POST
def sign_up(request, pk: int):
    participation = _participation(request, pk)
    return act(
        request,
        lambda: services.participation_sign_up(actor=request.user, participation=participation),
        success=_("报名成功。"),
        to=_back(request, participation),
        refusals=(ValidationError,),
    )


@login_required
@require_POST
def request_leave(request, pk: int):
    participation = _participation(request, pk)
    return submit(
        request,
        LeaveForm(request.POST),
        lambda data: services.participation_request_leave(
            actor=request.user, participation=participation, reason=data["reason"]
        ),
        success=_("请假申请已提交，等待审批。"),
        to=_back(request, participation),
        page=lambda form: _detail(request, participation.activity, status=400, leave_form=form),
    )


@login_required
@require_POST
def decide_leave(request, pk: int):
    participation = _participation(request, pk)
    approve = request.POST.get("approve") == "1"
    return act(
        request,
        lambda: services.participation_decide_leave(actor=request.user, participation=participation, approve=approve),
        success=_("已准假。") if approve else _("已不准假。"),
        to="core:workbench" if request.POST.get("back") == "workbench" else participation.activity,
        refusals=(ValidationError,),
    )


@login_required
@require_POST
def record_attendance(request, pk: int):
    participation = _participation(request, pk)
    attended = request.POST.get("attended") == "1"
    return act(
        request,
        lambda: services.attendance_record(actor=request.user, participation=participation, attended=attended),
        success=_("已登记出勤。"),
        to=participation.activity,
        refusals=(ValidationError,),
    )


@login_required
def record_amounts(request, pk: int):
    participation = _participation(request, pk)
    require(request.user, "activities.record_amounts", participation)
    initial = {
        "donation_money": participation.donation_money,
        "donation_goods": participation.donation_goods,
        "volunteer_hours": participation.volunteer_hours,
        "donation_mobilised": participation.donation_mobilised,
    }
    form = AmountsForm(request.POST or None, initial=initial, kind=participation.activity.kind)
    if request.method == "POST" and form.is_valid():
        try:
            services.amounts_record(actor=request.user, participation=participation, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect(participation.activity)
    return render(
        request,
        "activities/amounts.html",
        {"form": form, "participation": participation},
        status=400 if form.errors else 200,
    )


@login_required
def my_activities(request):
    organization = _org(request)
    participations = selectors.my_participations(request.user, organization)
    page = Paginator(participations, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "activities/mine.html", {"page": page, "Status": Participation.Status})


# ----------------------------------------------------------------------------------------------------- check-in
@login_required
def checkin_code(request, pk: int):
    """The QR code shown at the venue: it opens the check-in page with the activity's signed code."""
    activity = _activity(request, pk)
    require(request.user, "activities.show_checkin_code", activity)
    return checkin.code_page(
        request,
        event=activity,
        name="activity",
        url_name="activities:checkin",
        token=services.checkin_token(activity),
        template="activities/checkin_code.html",
        window=services.checkin_window(activity),
    )


@login_required
def checkin_view(request, token: str):
    return checkin.checkin_page(
        request,
        token,
        find=services.checkin_activity,
        check_in=lambda user, code: services.participation_check_in(actor=user, token=code),
        already=lambda activity, user: activity.participations.filter(
            member=user, status=Participation.Status.ATTENDED
        ).first(),
        window=services.checkin_window,
        template="activities/checkin.html",
        names=("activity", "participation"),
    )
