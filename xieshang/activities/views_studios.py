"""Pages of members' studios (委员工作室): the studios with their next reception days (every role of the
organization; staff open studios), a studio's page (staff schedule reception days), a reception day's page
(residents book a slot or cancel; members on duty and staff see the bookings, record the issues raised, and a member
on duty turns an issue into a room topic, an opinion report or a proposal draft)."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xieshang.consultations import selectors as consultation_selectors
from xieshang.core.idempotency import once_per_submission
from xieshang.core.services import require

from . import selectors, services
from .forms import BookingForm, IssueForm, ReceptionForm, StudioForm, TurnForm, apply_errors
from .models import Booking
from .views_base import organization_of


@login_required
@once_per_submission
def studio_list(request):
    organization = organization_of(request)
    require(request.user, "activities.view_studio", organization)
    can_manage = rules.has_perm("activities.manage_studios", request.user, organization)
    form = StudioForm(request.POST or None, organization=organization) if can_manage else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                studio = services.studio_create(actor=request.user, organization=organization, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("委员工作室已设立。"))
                return redirect(studio)
    return render(
        request,
        "activities/studios.html",
        {"studios": selectors.studios_for(organization), "form": form},
        status=400 if form is not None and form.errors else 200,
    )


@login_required
def studio_detail(request, pk: int):
    organization = organization_of(request)
    studio = selectors.get_studio(organization, pk)
    can_manage = rules.has_perm("activities.manage_studios", request.user, studio)
    form = ReceptionForm(request.POST or None, studio=studio) if can_manage else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            data["slot_minutes"] = data["slot_minutes"] or 30
            data["per_slot"] = data["per_slot"] or 2
            try:
                reception = services.reception_schedule(actor=request.user, studio=studio, **data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("接待日已安排，已通知接待委员。"))
                return redirect(reception)
    return render(
        request,
        "activities/studio.html",
        {"studio": studio, "form": form},
        status=400 if form is not None and form.errors else 200,
    )


def _reception_page(request, reception, status=200, **forms):
    user = request.user
    slots = selectors.slot_table(reception)
    may_book = rules.has_perm("activities.book_reception", user, reception)
    may_record = rules.has_perm("activities.record_issue", user, reception)
    mine = selectors.booking_of(reception, user) if may_book else None
    on_duty = user.pk in selectors.on_duty_ids(reception)
    context = {
        "reception": reception,
        "activity": reception.activity,
        "slots": slots,
        "mine": mine,
        "booking_form": forms.get("booking_form")
        or (BookingForm(slots=slots) if may_book and mine is None and reception.activity.state == "open" else None),
    }
    if may_record:
        context["bookings"] = selectors.bookings_of(reception)
        context["issues"] = selectors.issues_of(reception)
        context["issue_form"] = forms.get("issue_form") or IssueForm(reception=reception)
        # Only a member on duty turns issues: the room topic, report or proposal is written in his name.
        context["rooms"] = consultation_selectors.rooms_for(reception.organization_id) if on_duty else None
    return render(request, "activities/reception.html", context, status=status)


@login_required
def reception_detail(request, pk: int):
    return _reception_page(request, selectors.get_reception(organization_of(request), pk))


@login_required
@require_POST
def reception_book(request, pk: int):
    reception = selectors.get_reception(organization_of(request), pk)
    form = BookingForm(request.POST, slots=selectors.slot_table(reception))
    if form.is_valid():
        try:
            services.booking_make(actor=request.user, reception=reception, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("预约成功，确认短信已发送到您的手机。"))
            return redirect(reception)
    return _reception_page(request, reception, status=400, booking_form=form)


@login_required
@require_POST
def booking_cancel(request, pk: int):
    booking = get_object_or_404(Booking.objects.select_related("reception"), pk=pk)
    reception = selectors.get_reception(organization_of(request), booking.reception_id)
    services.booking_cancel(actor=request.user, booking=booking)
    messages.success(request, _("预约已取消。"))
    return redirect(reception)


@login_required
@require_POST
def issue_add(request, pk: int):
    reception = selectors.get_reception(organization_of(request), pk)
    form = IssueForm(request.POST, reception=reception)
    if form.is_valid():
        try:
            services.issue_record(actor=request.user, reception=reception, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已记录反映的问题。"))
            return redirect(reception)
    return _reception_page(request, reception, status=400, issue_form=form)


@login_required
@require_POST
def issue_turn(request, pk: int):
    organization = organization_of(request)
    issue = selectors.get_issue(organization, pk)
    reception = selectors.get_reception(organization, issue.reception_id)
    form = TurnForm(request.POST, rooms=consultation_selectors.rooms_for(organization))
    if form.is_valid():
        try:
            record = services.issue_turn(actor=request.user, issue=issue, **form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("已转办：%(record)s") % {"record": record})
    return redirect(reception)
