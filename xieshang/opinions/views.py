"""Pages of public-opinion information: the author's list and form, the report page (versions, diff, records,
actions), the editors' desk, bulletin issues (assemble, publish, send, print, Word, PDF), the recipients' inbox, the
bureaus' forwarded reports and the statistics. Every write goes through services."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from xieshang.core.idempotency import once_per_submission
from xieshang.core.names import named
from xieshang.core.views import REFUSALS, submit
from xieshang.workflow.exceptions import TransitionError
from xieshang.workflow.models import WorkflowEvent
from xieshang.workflow.selectors import available_transitions, state_has

from . import exports, selectors, services
from .diff import change_count, inline_diff
from .forms import (
    AddReportsForm,
    AdoptionForm,
    EditForm,
    ForwardForm,
    InstructionForm,
    IssueForm,
    PeriodForm,
    ReasonForm,
    ReplyForm,
    ReportForm,
    SendForm,
    apply_errors,
)
from .models import BulletinIssue, Forward, Level
from .statistics import default_period, opinion_statistics

PER_PAGE = 30


def _org_or_404(request):
    if request.organization is None:
        raise Http404
    return request.organization


def _need(request, perm, obj):
    if not rules.has_perm(perm, request.user, obj):
        raise PermissionDenied


def _page(request, queryset):
    return Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))


@login_required
def my_reports_view(request):
    organization = _org_or_404(request)
    _need(request, "opinions.submit_report", organization)
    page = _page(request, selectors.reports_for_author(request.user, organization))
    return render(request, "opinions/mine.html", {"page": page})


@login_required
@once_per_submission
def submit_view(request):
    organization = _org_or_404(request)
    _need(request, "opinions.submit_report", organization)
    limits = selectors.settings_for(organization)
    form = ReportForm(request.POST or None, request.FILES or None, organization=organization, limits=limits)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = services.report_submit(
                actor=request.user,
                organization=organization,
                title=data["title"],
                body=data["body"],
                urgent=data["urgent"],
                author_kind=data["author_kind"],
                author_org_name=data["author_org_name"],
                committee=data["committee"],
                coauthors=list(data["coauthors"]),
                attachments=data["attachments"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已报送，收稿编号 %(serial)s。") % {"serial": report.serial})
            return redirect(report)
    return render(request, "opinions/form.html", {"form": form, "limits": limits})


def _detail_context(request, report, **forms):
    user = request.user
    records = selectors.report_records(report)
    manage = rules.has_perm("opinions.manage_report", user, report)
    is_author = report.submitter_id == user.pk or any(a.user_id == user.pk for a in records["authors"])
    versions = records["versions"]
    diffs = [
        {
            "version": new,
            "title": inline_diff(old.title, new.title),
            "body": inline_diff(old.body, new.body),
            "changes": change_count(old.body, new.body) + change_count(old.title, new.title),
        }
        for old, new in zip(versions, versions[1:], strict=False)
    ]
    available = available_transitions(user, report)
    state = report.state.key if report.state_id else ""
    my_forwards = [
        f for f in records["forwards"] if rules.has_perm("opinions.reply_forward", user, f) and f.replied_at is None
    ]
    source_events = []
    if report.source_content_type_id:
        source_events = WorkflowEvent.objects.filter(
            content_type_id=report.source_content_type_id, object_id=report.source_object_id
        ).order_by("at", "id")
    organization = report.organization
    context = {
        "report": report,
        **records,
        "diffs": diffs,
        "manage": manage,
        "is_author": is_author,
        "see_history": manage or is_author,
        "simple_actions": [a for a in available if a.key in services.SIMPLE_TRANSITIONS and a.permitted],
        "state": state,
        "editing": state_has(report, "editing"),
        "my_forwards": my_forwards,
        "source_events": source_events,
        "sent_levels": {d.level for d in records["dispatches"]},
    }
    if manage and state_has(report, "published"):
        # First use: the usual recipients come from the organization hierarchy (an administrator edits them later).
        services.recipients_ensure_defaults(organization)
        context["send_form"] = forms.get("send_form") or SendForm(organization=organization, prefix="send")
        context["forward_form"] = forms.get("forward_form") or ForwardForm(organization=organization, prefix="forward")
    if manage and state_has(report, "sent"):
        context["instruction_form"] = forms.get("instruction_form") or InstructionForm(
            organization=organization, prefix="instruction"
        )
        context["adoption_form"] = forms.get("adoption_form") or AdoptionForm(prefix="adoption")
    if my_forwards:
        context["reply_form"] = forms.get("reply_form") or ReplyForm(prefix="reply")
    # A refused form whose section is not shown in this state still shows its errors, on top.
    context["orphan_errors"] = [
        str(error)
        for name, form in forms.items()
        if context.get(name) is not form and form.is_bound
        for errors in form.errors.values()
        for error in errors
    ]
    return context


@login_required
def detail_view(request, pk: int):
    report = selectors.get_report_for_user(request.user, pk)
    return render(request, "opinions/detail.html", _detail_context(request, report))


@login_required
def attachment_view(request, pk: int, attachment_id: int):
    """A report's attachment, to whoever may read the report: through this check and the storage (a shared file system
    or an object store, decision 0042), never from a media URL (none is served outside DEBUG)."""
    report = selectors.get_report_for_user(request.user, pk)
    attachment = get_object_or_404(report.attachments, pk=attachment_id)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=attachment.name)


def _post_action(request, pk, form_class, name, call, success, form_kwargs=None):
    """Shared shape of the record-producing actions: validate, call the service, or show the page again with the
    errors beside the fields and the typed values kept."""
    report = selectors.get_report_for_user(request.user, pk)
    # Several forms share a page (and field names such as "level" and "note"): each has its own prefix.
    form = form_class(request.POST, prefix=name.removesuffix("_form"), **(form_kwargs(report) if form_kwargs else {}))
    return submit(
        request,
        form,
        lambda data: call(report, data),
        success=success,
        to=report,
        page=lambda form: render(
            request, "opinions/detail.html", _detail_context(request, report, **{name: form}), status=422
        ),
        refusals=REFUSALS,
    )


def _org_kwargs(report):
    return {"organization": report.organization}


@require_POST
@login_required
def send_view(request, pk: int):
    return _post_action(
        request,
        pk,
        SendForm,
        "send_form",
        lambda r, d: services.report_send(
            actor=request.user, report=r, recipients=list(d["recipients"]), note=d["note"]
        ),
        _("已报送。"),
        _org_kwargs,
    )


@require_POST
@login_required
def forward_view(request, pk: int):
    return _post_action(
        request,
        pk,
        ForwardForm,
        "forward_form",
        lambda r, d: services.report_forward(actor=request.user, report=r, units=list(d["units"]), note=d["note"]),
        _("已转办。"),
        _org_kwargs,
    )


@require_POST
@login_required
def instruction_view(request, pk: int):
    return _post_action(
        request,
        pk,
        InstructionForm,
        "instruction_form",
        lambda r, d: services.instruction_record(
            actor=request.user,
            report=r,
            level=d["level"],
            text=d["text"],
            instructed_on=d["instructed_on"],
            leader=d["leader"],
            leader_name=d["leader_name"],
            leader_title=d["leader_title"],
        ),
        _("已记录批示，并计入作者履职积分。"),
        _org_kwargs,
    )


@require_POST
@login_required
def adoption_view(request, pk: int):
    return _post_action(
        request,
        pk,
        AdoptionForm,
        "adoption_form",
        lambda r, d: services.adoption_record(
            actor=request.user, report=r, level=d["level"], adopted_on=d["adopted_on"], note=d["note"]
        ),
        _("已记录采用，并计入作者履职积分。"),
    )


@require_POST
@login_required
def reply_view(request, pk: int):
    def call(report, data):
        forward = get_object_or_404(Forward, pk=request.POST.get("forward"), report=report)
        services.forward_reply(actor=request.user, forward=forward, text=data["reply"])

    return _post_action(request, pk, ReplyForm, "reply_form", call, _("已回复。"))


@require_POST
@login_required
def transition_view(request, pk: int, key: str):
    report = selectors.get_report_for_user(request.user, pk)
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        event = services.report_transition(
            actor=request.user,
            report=report,
            key=key,
            reason=form.cleaned_data.get("reason", ""),
            expected_state=request.POST.get("expected_state") or None,
        )
    except (TransitionError, ValidationError, PermissionDenied) as exc:
        messages.error(request, exc.message if hasattr(exc, "message") else str(exc))
    else:
        messages.success(request, _("已%(action)s。") % {"action": named(event.transition_name)})
        if key == "take_up":
            return redirect("opinions:edit", pk=report.pk)
    return redirect(report)


@login_required
def edit_view(request, pk: int):
    report = selectors.get_report_for_user(request.user, pk, perm="opinions.manage_report")
    original = report.versions.order_by("number").first()
    form = EditForm(request.POST or None, initial={"title": report.title, "body": report.body})
    if request.method == "POST" and form.is_valid():
        try:
            version = services.report_edit(
                actor=request.user,
                report=report,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if version is None:
                messages.info(request, _("文稿未改动。"))
            else:
                messages.success(request, _("已保存第 %(n)s 版。") % {"n": version.number})
            return redirect("opinions:edit", pk=report.pk)
    limits = selectors.settings_for(report.organization_id)
    return render(
        request,
        "opinions/edit.html",
        {
            "report": report,
            "form": form,
            "original": original,
            "limits": limits,
            "diff_title": inline_diff(original.title, report.title) if original else "",
            "diff_body": inline_diff(original.body, report.body) if original else "",
            "editable": bool(report.state.allows.get("edit")),
            "simple_actions": [
                a
                for a in available_transitions(request.user, report)
                if a.key in services.SIMPLE_TRANSITIONS and a.permitted
            ],
        },
    )


# The desk's tabs, each the states carrying a phase tag (workflows.py), named by the tag in the URL (?state=…).
DESK_TABS = [
    ("intake", gettext_noop("待编辑")),
    ("editing", gettext_noop("编辑中")),
    ("approved", gettext_noop("已签批待编刊")),
    ("issued", gettext_noop("已刊发待报送")),
    ("sent", gettext_noop("已报送")),
    ("not_adopted", gettext_noop("未采用")),
]


@login_required
def desk_view(request):
    organization = _org_or_404(request)
    _need(request, "opinions.manage_report", organization)
    tabs = [(key, _(label)) for key, label in DESK_TABS]
    current = request.GET.get("state") or DESK_TABS[0][0]
    if current not in dict(DESK_TABS):
        current = DESK_TABS[0][0]
    page = _page(request, selectors.desk_reports(organization, tag=current))
    return render(request, "opinions/desk.html", {"page": page, "tabs": tabs, "current": current})


@login_required
@once_per_submission
def issues_view(request):
    organization = _org_or_404(request)
    _need(request, "opinions.view_issue", organization)
    form = IssueForm(request.POST or None)
    if request.method == "POST":
        _need(request, "opinions.manage_issue", organization)
        if form.is_valid():
            try:
                issue = services.issue_create(
                    actor=request.user,
                    organization=organization,
                    kind=form.cleaned_data["kind"],
                    editor_note=form.cleaned_data["editor_note"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                return redirect(issue)
    page = _page(request, selectors.issues_for(organization))
    return render(request, "opinions/issues.html", {"page": page, "form": form})


def _issue_context(request, issue, **forms):
    organization = issue.organization
    manage = rules.has_perm("opinions.manage_issue", request.user, issue)
    context = {"issue": issue, "reports": list(selectors.issue_reports(issue)), "manage": manage}
    if manage and issue.status == BulletinIssue.Status.DRAFT:
        context["add_form"] = forms.get("add_form") or AddReportsForm(organization=organization)
    if manage and issue.status == BulletinIssue.Status.PUBLISHED:
        services.recipients_ensure_defaults(organization)
        context["send_form"] = forms.get("send_form") or SendForm(organization=organization, prefix="send")
    context["publish_errors"] = forms.get("publish_errors", [])
    return context


@login_required
def issue_view(request, pk: int):
    issue = selectors.get_issue_for_user(request.user, pk)
    if request.method == "POST":
        _need(request, "opinions.manage_issue", issue)
        action = request.POST.get("action")
        try:
            if action == "add":
                form = AddReportsForm(request.POST, organization=issue.organization)
                if not form.is_valid():
                    return render(
                        request, "opinions/issue.html", _issue_context(request, issue, add_form=form), status=422
                    )
                services.issue_add_reports(actor=request.user, issue=issue, reports=list(form.cleaned_data["reports"]))
            elif action == "remove":
                report = get_object_or_404(issue.reports, pk=request.POST.get("report"))
                services.issue_remove_report(actor=request.user, issue=issue, report=report)
            elif action == "publish":
                services.issue_publish(actor=request.user, issue=issue)
                messages.success(request, _("已刊发 %(issue)s。") % {"issue": issue})
            elif action == "send":
                # Bound with the prefix it is rendered with (send-recipients, send-note).
                form = SendForm(request.POST, organization=issue.organization, prefix="send")
                if not form.is_valid():
                    return render(
                        request, "opinions/issue.html", _issue_context(request, issue, send_form=form), status=422
                    )
                made = services.issue_send(
                    actor=request.user,
                    issue=issue,
                    recipients=list(form.cleaned_data["recipients"]),
                    note=form.cleaned_data["note"],
                )
                messages.success(request, _("已报送 %(n)s 份。") % {"n": made})
        except ValidationError as exc:
            if action in ("add", "send"):
                form_name = f"{action}_form"
                apply_errors(form, exc)
                return render(
                    request, "opinions/issue.html", _issue_context(request, issue, **{form_name: form}), status=422
                )
            return render(
                request, "opinions/issue.html", _issue_context(request, issue, publish_errors=exc.messages), status=422
            )
        except TransitionError as exc:
            messages.error(request, exc.message)
        return redirect(issue)
    return render(request, "opinions/issue.html", _issue_context(request, issue))


def _published_issue(request, pk):
    issue = selectors.get_issue_for_user(request.user, pk)
    return issue, list(selectors.issue_reports(issue))


@login_required
def issue_print_view(request, pk: int):
    issue, reports = _published_issue(request, pk)
    return render(request, "opinions/issue_print.html", exports.issue_context(issue, reports))


@login_required
def issue_docx_view(request, pk: int):
    issue, reports = _published_issue(request, pk)
    response = HttpResponse(
        exports.issue_docx(issue, reports),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(issue)}.docx"'
    return response


@login_required
def issue_pdf_view(request, pk: int):
    issue, reports = _published_issue(request, pk)
    response = HttpResponse(exports.issue_pdf(issue, reports), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(issue)}.pdf"'
    return response


@login_required
def inbox_view(request):
    if not rules.has_perm("opinions.view_inbox", request.user):
        raise PermissionDenied
    page = _page(request, selectors.inbox_for(request.user))
    return render(request, "opinions/inbox.html", {"page": page})


@login_required
def forwards_view(request):
    if not rules.has_perm("opinions.view_forwards", request.user):
        raise PermissionDenied
    page = _page(request, selectors.forwards_for_officer(request.user))
    return render(request, "opinions/forwards.html", {"page": page})


@login_required
def stats_view(request):
    organization = _org_or_404(request)
    _need(request, "opinions.view_statistics", organization)
    start, end = default_period()
    form = PeriodForm(request.GET or None, initial={"start": start, "end": end})
    if request.GET and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    stats = opinion_statistics(organization, start, end)
    return render(
        request,
        "opinions/stats.html",
        {"form": form, "stats": stats, "levels": Level, "years": range(timezone.localdate().year, 2019, -1)},
    )
