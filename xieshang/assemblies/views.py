"""Pages of plenary sessions and standing-committee meetings: the list (staff: every session of the organization;
members: those they are invited to), the create form, the session's page (agenda, documents, attendance and leave
decisions, speeches, votes, the proposals filed during it; a member's own attendance, leave request and speeches),
"my sessions", and the QR check-in. Every write goes through services."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xieshang.core import checkin
from xieshang.core.idempotency import once_per_submission
from xieshang.core.services import require

from . import selectors, services
from .forms import AgendaForm, DocumentForm, LeaveForm, SessionForm, SpeechForm, VoteForm, apply_errors
from .models import Attendance, Document, Session, Speech

PER_PAGE = 30
STAFF_ACTIONS = (
    "invite",
    "publish",
    "close",
    "add_agenda",
    "add_document",
    "record_attendance",
    "show_checkin_code",
    "record_vote",
)


def _org(request):
    if request.organization is None:
        raise Http404
    return request.organization


def _session(request, pk: int) -> Session:
    return selectors.get_session_for_user(request.user, _org(request), pk)


def _attendance(request, pk: int) -> Attendance:
    attendance = get_object_or_404(Attendance.objects.select_related("session", "member"), pk=pk)
    _session(request, attendance.session_id)  # 404 unless the user may see the session
    return attendance


def _speech(request, pk: int) -> Speech:
    speech = get_object_or_404(Speech.objects.select_related("session", "member"), pk=pk)
    _session(request, speech.session_id)
    return speech


def _refused(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
def session_list(request):
    organization = _org(request)
    sessions = selectors.sessions_for_user(request.user, organization)
    page = Paginator(sessions, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "assemblies/list.html",
        {"page": page, "can_create": rules.has_perm("assemblies.add_session", request.user, organization)},
    )


@login_required
@once_per_submission
def session_create(request):
    organization = _org(request)
    require(request.user, "assemblies.add_session", organization)
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_create(actor=request.user, organization=organization, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("会议已创建，请完善议程和文件后发出通知。"))
            return redirect(session)
    return render(request, "assemblies/form.html", {"form": form}, status=400 if form.errors else 200)


def _detail(request, session: Session, status: int = 200, **forms):
    user = request.user
    can = {action: rules.has_perm(f"assemblies.{action}", user, session) for action in STAFF_ACTIONS}
    staff = can["record_attendance"]
    mine = selectors.attendance_of(session, user)
    editable = session.state != Session.State.CLOSED
    is_open = session.state == Session.State.OPEN
    context = {
        "session": session,
        "can": can,
        "mine": mine,
        "counts": selectors.attendance_counts(session),
        "agenda": selectors.agenda_of(session),
        "documents": selectors.documents_of(session),
        "speeches": selectors.speeches_of(session, member=None if staff else user),
        "votes": selectors.votes_of(session),
        "proposals": selectors.proposals_of(session, user),
        "window": services.checkin_window(session),
    }
    if staff:
        context["attendances"] = selectors.attendances_of(session)
    if can["add_agenda"] and editable:
        context["agenda_form"] = forms.get("agenda_form") or AgendaForm()
    if can["add_document"] and editable:
        context["document_form"] = forms.get("document_form") or DocumentForm()
    if can["record_vote"] and is_open:
        context["vote_form"] = forms.get("vote_form") or VoteForm()
    if mine is not None and is_open:
        context["leave_form"] = forms.get("leave_form") or LeaveForm()
        context["speech_form"] = forms.get("speech_form") or SpeechForm()
    return render(request, "assemblies/detail.html", context, status=status)


@login_required
def session_detail(request, pk: int):
    return _detail(request, _session(request, pk))


def _simple(request, pk: int, call, done: str):
    session = _session(request, pk)
    try:
        call(session)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, done)
    return redirect(session)


@login_required
@require_POST
def session_invite(request, pk: int):
    session = _session(request, pk)
    try:
        created = services.session_invite(actor=request.user, session=session)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("已邀请 %(n)d 位委员。") % {"n": len(created)})
    return redirect(session)


@login_required
@require_POST
def session_publish(request, pk: int):
    return _simple(
        request,
        pk,
        lambda s: services.session_publish(actor=request.user, session=s),
        _("会议通知已发给应出席的委员。"),
    )


@login_required
@require_POST
def session_close(request, pk: int):
    return _simple(
        request, pk, lambda s: services.session_close(actor=request.user, session=s), _("已闭会，缺席已记录。")
    )


def _form_post(request, pk: int, form_class, key: str, call, done: str, files: bool = False):
    """A form posted to the session's page: done → back to the page; refused → the page with the form as typed."""
    session = _session(request, pk)
    form = form_class(request.POST, request.FILES) if files else form_class(request.POST)
    if form.is_valid():
        try:
            call(session, form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect(session)
    return _detail(request, session, status=400, **{key: form})


@login_required
@require_POST
@once_per_submission
def agenda_add(request, pk: int):
    return _form_post(
        request,
        pk,
        AgendaForm,
        "agenda_form",
        lambda s, data: services.agenda_add(actor=request.user, session=s, **data),
        _("议程已添加。"),
    )


@login_required
@require_POST
@once_per_submission
def document_add(request, pk: int):
    return _form_post(
        request,
        pk,
        DocumentForm,
        "document_form",
        lambda s, data: services.document_add(actor=request.user, session=s, **data),
        _("文件已上传。"),
        files=True,
    )


@login_required
@require_POST
def speech_submit(request, pk: int):
    return _form_post(
        request,
        pk,
        SpeechForm,
        "speech_form",
        lambda s, data: services.speech_submit(actor=request.user, session=s, **data),
        _("大会发言已提交。"),
    )


@login_required
@require_POST
def vote_record(request, pk: int):
    return _form_post(
        request,
        pk,
        VoteForm,
        "vote_form",
        lambda s, data: services.vote_record(actor=request.user, session=s, **data),
        _("表决结果已登记。"),
    )


@login_required
def document_download(request, pk: int):
    document = get_object_or_404(Document, pk=pk)
    _session(request, document.session_id)  # whoever sees the session reads its documents
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=document.filename)


# ------------------------------------------------------------------------------------------------ attendances
@login_required
@require_POST
def request_leave(request, pk: int):
    attendance = _attendance(request, pk)
    form = LeaveForm(request.POST)
    if form.is_valid():
        try:
            services.attendance_request_leave(
                actor=request.user, attendance=attendance, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("请假申请已提交，等待审批。"))
            return redirect(attendance.session)
    return _detail(request, attendance.session, status=400, leave_form=form)


@login_required
@require_POST
def decide_leave(request, pk: int):
    attendance = _attendance(request, pk)
    approve = request.POST.get("approve") == "1"
    try:
        services.attendance_decide_leave(actor=request.user, attendance=attendance, approve=approve)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("已准假。") if approve else _("已不准假。"))
    return redirect(attendance.session)


@login_required
@require_POST
def record_attendance(request, pk: int):
    attendance = _attendance(request, pk)
    attended = request.POST.get("attended") == "1"
    try:
        services.attendance_record(actor=request.user, attendance=attendance, attended=attended)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("已登记出勤。"))
    return redirect(attendance.session)


# ------------------------------------------------------------------------------------------------ speeches
@login_required
@require_POST
def speech_select(request, pk: int):
    speech = _speech(request, pk)
    selected = request.POST.get("selected") == "1"
    try:
        services.speech_select(actor=request.user, speech=speech, selected=selected)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("已安排口头发言。") if selected else _("已改为书面发言。"))
    return redirect(speech.session)


@login_required
@require_POST
def speech_deliver(request, pk: int):
    speech = _speech(request, pk)
    try:
        services.speech_deliver(actor=request.user, speech=speech)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("已登记口头发言。"))
    return redirect(speech.session)


@login_required
def my_sessions(request):
    organization = _org(request)
    attendances = selectors.my_attendances(request.user, organization)
    page = Paginator(attendances, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "assemblies/mine.html", {"page": page})


# ----------------------------------------------------------------------------------------------------- check-in
@login_required
def checkin_code(request, pk: int):
    """The QR code shown at the venue: it opens the check-in page with the session's signed code."""
    session = _session(request, pk)
    require(request.user, "assemblies.show_checkin_code", session)
    return checkin.code_page(
        request,
        event=session,
        name="session",
        url_name="assemblies:checkin",
        token=services.checkin_token(session),
        template="assemblies/checkin_code.html",
        window=services.checkin_window(session),
    )


@login_required
def checkin_view(request, token: str):
    return checkin.checkin_page(
        request,
        token,
        find=services.checkin_session,
        check_in=lambda user, code: services.attendance_check_in(actor=user, token=code),
        already=lambda session, user: session.attendances.filter(
            member=user, status=Attendance.Status.ATTENDED
        ).first(),
        window=services.checkin_window,
        template="assemblies/checkin.html",
        names=("session", "attendance"),
    )
