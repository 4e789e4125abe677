"""Key proposals (decision 0028): the selection page (candidates, the chairpersons' meeting, publication, the
published lists) and a key proposal's supervision page (leaders, plan, progress, instructions) with its forms."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xieshang.accounts.models import Role
from xieshang.accounts.selectors import has_role
from xieshang.core.idempotency import once_per_submission
from xieshang.core.views import REFUSALS, act, submit

from .. import selectors, services
from ..forms import (
    KeyInstructionForm,
    KeyMeetingForm,
    KeyMilestoneForm,
    KeyProgressForm,
    KeySupervisorForm,
)
from ..models import KeyMeeting, KeyProgress
from .common import need, org_or_404
from .member import _stored_file

# selection


def _selection_page(request, organization, *, meeting_form=None, status=200):
    is_staff = has_role(request.user, Role.PROPOSALS_STAFF, organization)
    candidates = list(selectors.open_key_candidates(organization)) if is_staff else []
    if is_staff and candidates and meeting_form is None:
        meeting_form = KeyMeetingForm(
            candidates=selectors.open_key_candidates(organization), initial={"held_on": timezone.localdate()}
        )
    return render(
        request,
        "proposals/key_selection.html",
        {
            "is_staff": is_staff,
            "candidates": candidates,
            "meeting_form": meeting_form if candidates else None,
            "meetings": list(selectors.key_meetings(request.user, organization)),
        },
        status=status,
    )


@login_required
def selection_view(request):
    organization = org_or_404(request)
    need(request, "proposals.view_key_selection", organization)
    return _selection_page(request, organization)


@require_POST
@login_required
@once_per_submission
def meeting_view(request):
    organization = org_or_404(request)
    need(request, "proposals.decide_key", organization)
    form = KeyMeetingForm(request.POST, candidates=selectors.open_key_candidates(organization))

    def call(data):
        return services.key_meeting_record(
            actor=request.user,
            organization=organization,
            name=data["name"],
            held_on=data["held_on"],
            minutes=data["minutes"],
            chosen=list(data["chosen"]),
        )

    return submit(
        request,
        form,
        call,
        success=_("已记录主席会议决定，请核对后公布重点提案名单。"),
        to=reverse("proposals:key_selection"),
        page=lambda f: _selection_page(request, organization, meeting_form=f, status=422),
        refusals=REFUSALS,
    )


@require_POST
@login_required
def publish_view(request, meeting_id: int):
    organization = org_or_404(request)
    meeting = get_object_or_404(KeyMeeting, pk=meeting_id, organization=organization)
    return act(
        request,
        lambda: services.key_meeting_publish(actor=request.user, meeting=meeting),
        success=_("重点提案名单已公布，已通知领衔委员和承办单位。"),
        to=reverse("proposals:key_selection"),
    )


# supervision


def _supervision_page(request, pk: int, *, status: int = 200, **forms):
    import rules

    page = selectors.key_page(request.user, pk)
    p = page.proposal
    user = request.user
    may_plan = rules.has_perm("proposals.plan_key_supervision", user, p)
    may_report = bool(page.milestones) and rules.has_perm("proposals.report_key_progress", user, p)
    may_instruct = rules.has_perm("proposals.instruct_key", user, p)
    if may_plan:
        forms.setdefault("supervisor", KeySupervisorForm(organization=p.organization_id))
        forms.setdefault("milestone", KeyMilestoneForm())
    if may_report:
        forms.setdefault("progress", KeyProgressForm(proposal=p, initial={"reported_on": timezone.localdate()}))
    if may_instruct:
        forms.setdefault("instruction", KeyInstructionForm(initial={"instructed_on": timezone.localdate()}))
    return render(
        request,
        "proposals/key_supervision.html",
        {"page": page, "p": p, "f": forms, "today": timezone.localdate()},
        status=status,
    )


@login_required
def supervision_view(request, pk: int):
    return _supervision_page(request, pk)


def _post(request, pk, name, form, call, success):
    page = selectors.key_page(request.user, pk)

    def page_again(f):
        return _supervision_page(request, pk, status=422, **{name: f})

    return submit(
        request,
        form,
        lambda data: call(page.proposal, data),
        success=success,
        to=reverse("proposals:supervision", args=[pk]),
        page=page_again,
        refusals=REFUSALS,
    )


@require_POST
@login_required
@once_per_submission
def supervisor_add_view(request, pk: int):
    page = selectors.key_page(request.user, pk)
    form = KeySupervisorForm(request.POST, organization=page.proposal.organization_id)
    return _post(
        request,
        pk,
        "supervisor",
        form,
        lambda p, d: services.key_supervisor_add(
            actor=request.user, proposal=p, side=d["side"], user=d["user"], name=d["name"], title=d["title"]
        ),
        _("已安排督办领导。"),
    )


@require_POST
@login_required
@once_per_submission
def milestone_add_view(request, pk: int):
    return _post(
        request,
        pk,
        "milestone",
        KeyMilestoneForm(request.POST),
        lambda p, d: services.key_milestone_add(actor=request.user, proposal=p, what=d["what"], due_on=d["due_on"]),
        _("已添加督办计划节点。"),
    )


@require_POST
@login_required
@once_per_submission
def progress_view(request, pk: int):
    page = selectors.key_page(request.user, pk)
    form = KeyProgressForm(request.POST, request.FILES, proposal=page.proposal)

    def call(p, d):
        if d["milestone"] is None:
            raise ValidationError({"milestone": _("请选择督办计划节点。")})
        return services.key_progress_report(
            actor=request.user,
            milestone=d["milestone"],
            text=d["text"],
            reported_on=d["reported_on"],
            completes=d["completes"],
            file=d["file"],
        )

    return _post(request, pk, "progress", form, call, _("已报告办理进展。"))


@require_POST
@login_required
@once_per_submission
def instruction_view(request, pk: int):
    return _post(
        request,
        pk,
        "instruction",
        KeyInstructionForm(request.POST),
        lambda p, d: services.key_instruction_record(
            actor=request.user, proposal=p, text=d["text"], instructed_on=d["instructed_on"]
        ),
        _("批示已记录，已通知承办单位和提案委员会。"),
    )


@login_required
def progress_file_view(request, pk: int, progress_id: int):
    page = selectors.key_page(request.user, pk)
    row = get_object_or_404(KeyProgress, pk=progress_id, proposal=page.proposal)
    if not row.file:
        raise Http404
    return _stored_file(row.file, row.file_name or "attachment")
