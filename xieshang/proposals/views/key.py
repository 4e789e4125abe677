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
from xieshang.consultations import selectors as consultation_selectors
from xieshang.core import documents as core_documents
from xieshang.core.http import attachment_response
from xieshang.core.idempotency import once_per_submission
from xieshang.core.views import REFUSALS, act, submit

from .. import key_summary, selectors, services
from ..forms import (
    KeyAssessmentForm,
    KeyCandidateProposeForm,
    KeyConsultationForm,
    KeyInstructionForm,
    KeyMeetingForm,
    KeyMilestoneForm,
    KeyProgressForm,
    KeySupervisorForm,
)
from ..models import KeyMeeting, KeyProgress, KeySummary
from .common import need, org_or_404
from .member import _stored_file

# selection


def _selection_page(request, organization, *, meeting_form=None, candidate_form=None, status=200):
    is_staff = has_role(request.user, Role.PROPOSALS_STAFF, organization)
    candidates = list(selectors.open_key_candidates(organization)) if is_staff else []
    if is_staff and candidates and meeting_form is None:
        meeting_form = KeyMeetingForm(
            candidates=selectors.open_key_candidates(organization), initial={"held_on": timezone.localdate()}
        )
    if not is_staff and candidate_form is None:
        # A handling unit or a special committee puts forward one of its own proposals (decision 0031).
        proposable = selectors.key_proposable(request.user, organization)
        if proposable.exists():
            candidate_form = KeyCandidateProposeForm(proposals=proposable)
    return render(
        request,
        "proposals/key_selection.html",
        {
            "is_staff": is_staff,
            "candidates": candidates,
            "meeting_form": meeting_form if candidates else None,
            "candidate_form": candidate_form,
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
@once_per_submission
def candidate_view(request):
    """A unit's or a committee's candidate, from the selection page."""
    organization = org_or_404(request)
    form = KeyCandidateProposeForm(request.POST, proposals=selectors.key_proposable(request.user, organization))

    def call(data):
        if data["proposal"] is None:
            raise ValidationError({"proposal": _("请选择提案。")})
        return services.key_candidate_propose(actor=request.user, proposal=data["proposal"], reason=data["reason"])

    return submit(
        request,
        form,
        call,
        success=_("已列入重点提案候选名单，待主席会议决定。"),
        to=reverse("proposals:key_selection"),
        page=lambda f: _selection_page(request, organization, candidate_form=f, status=422),
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
    extra = _supervision_extras(request, p, forms)
    return render(
        request,
        "proposals/key_supervision.html",
        {"page": page, "p": p, "f": forms, "today": timezone.localdate(), **extra},
        status=status,
    )


def _supervision_extras(request, p, forms) -> dict:
    """Supervision meetings (提案办理协商) with their minutes and recommendations, and the leaders' assessments, with
    the forms of who may add them (decision 0031)."""
    import rules

    user = request.user
    year = timezone.localdate().year
    assessments = selectors.key_assessments(p)
    finalized = KeySummary.objects.filter(organization_id=p.organization_id, year=year, finalized_at__isnull=False)
    if rules.has_perm("proposals.hold_key_meeting", user, p):
        title = _("《%(title)s》督办协商会") % {"title": p.title}
        forms.setdefault(
            "consultation",
            KeyConsultationForm(initial={"title": title[:120], "planned_date": timezone.localdate()}),
        )
    mine = next((a for a in assessments if a.leader_id == user.pk and a.year == year), None)
    locked = finalized.exists()
    if rules.has_perm("proposals.assess_key", user, p) and not locked:
        initial = {"grade": mine.grade, "text": mine.text} if mine else {}
        forms.setdefault("assessment", KeyAssessmentForm(initial=initial))
    return {
        "meetings": list(consultation_selectors.consultations_of_origins([p])),
        "assessments": assessments,
        "my_assessment": mine,
        "assessment_locked": locked,
        "may_summary": rules.has_perm("proposals.view_key_summary", user, p.organization),
    }


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


@require_POST
@login_required
@once_per_submission
def consultation_view(request, pk: int):
    """A supervision meeting: the consultation is created and its page opened, where staff run it."""
    page = selectors.key_page(request.user, pk)
    return submit(
        request,
        KeyConsultationForm(request.POST),
        lambda d: services.key_consultation_create(
            actor=request.user,
            proposal=page.proposal,
            title=d["title"],
            planned_date=d["planned_date"],
            starts_at=d["starts_at"],
            venue=d["venue"],
            description=d["description"],
        ),
        success=_("已安排督办协商会，已邀请承办单位、提案人和督办领导。"),
        to=lambda c: c.get_absolute_url(),
        page=lambda f: _supervision_page(request, pk, status=422, consultation=f),
        refusals=REFUSALS,
    )


@require_POST
@login_required
@once_per_submission
def assessment_view(request, pk: int):
    return _post(
        request,
        pk,
        "assessment",
        KeyAssessmentForm(request.POST),
        lambda p, d: services.key_assessment_record(actor=request.user, proposal=p, grade=d["grade"], text=d["text"]),
        _("督办评价已保存。"),
    )


# the year's summary


def _summary_year(request) -> int:
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or timezone.localdate().year)
    except ValueError:
        raise Http404 from None
    if not 2000 <= year <= 2100:
        raise Http404
    return year


@login_required
def summary_view(request):
    organization = org_or_404(request)
    need(request, "proposals.view_key_summary", organization)
    year = _summary_year(request)
    summary = key_summary.key_summary(organization, year)
    this_year = timezone.localdate().year
    return render(
        request,
        "proposals/key_summary.html",
        {
            "summary": summary,
            "title": key_summary.title_of(summary),
            "rows": [(row, key_summary.row_lines(row)) for row in summary.rows],
            "years": list(range(this_year, this_year - 5, -1)),
            "may_finalize": has_role(request.user, Role.PROPOSALS_STAFF, organization) and not summary.is_final,
        },
    )


@login_required
def summary_file_view(request, kind: str):
    organization = org_or_404(request)
    need(request, "proposals.view_key_summary", organization)
    year = _summary_year(request)
    summary = key_summary.key_summary(organization, year)
    if kind == "docx":
        content, content_type = key_summary.summary_docx(summary), core_documents.DOCX_TYPE
    elif kind == "xlsx":
        content, content_type = key_summary.summary_xlsx(summary), core_documents.XLSX_TYPE
    else:
        raise Http404
    return attachment_response(content, filename=f"{key_summary.title_of(summary)}.{kind}", content_type=content_type)


@require_POST
@login_required
def summary_finalize_view(request):
    organization = org_or_404(request)
    year = _summary_year(request)
    return act(
        request,
        lambda: services.key_summary_finalize(actor=request.user, organization=organization, year=year),
        success=_("总结已定稿，本年度督办评价不再修改。"),
        to=reverse("proposals:key_summary") + f"?year={year}",
    )
