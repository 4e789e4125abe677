"""The member's pages: the proposals hub, my proposals (with invitations and replies to rate), the proposal and
micro-proposal forms, editing a draft, the co-signer search, invitations and attachments."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xieshang.accounts.models import Role, User
from xieshang.accounts.selectors import has_role
from xieshang.core import dbrouter
from xieshang.core.idempotency import once_per_submission
from xieshang.core.views import act
from xieshang.workflow.exceptions import TransitionError

from .. import selectors, services
from ..forms import AttachmentForm, InviteForm, ProposalForm, apply_errors
from ..models import Attachment, Proposal, Reply, SignedLetter
from ..page_queries import may_read_letter
from .common import org_or_404, paginate, refusal_text

MEMBER_ROLES = (Role.MEMBER, Role.STANDING_MEMBER)


@login_required
def index_view(request):
    """The proposals hub: each role's pages, so the menu entry leads everyone to their work."""
    organization = org_or_404(request)
    user = request.user

    def holds(*roles):
        return any(has_role(user, r, organization) for r in roles)

    if not holds(*MEMBER_ROLES, Role.PROPOSALS_STAFF, Role.UNIT_OFFICER, Role.SUPERVISOR, Role.LEADER):
        raise PermissionDenied
    context = {
        "is_member": holds(*MEMBER_ROLES),
        "is_staff": holds(Role.PROPOSALS_STAFF),
        "is_officer": holds(Role.UNIT_OFFICER),
        "is_supervisor": holds(Role.SUPERVISOR),
        "is_leader": holds(Role.LEADER),
        "can_stats": rules.has_perm("proposals.view_statistics", user, organization),
    }
    return render(request, "proposals/index.html", context)


@login_required
def mine_view(request):
    organization = org_or_404(request)
    if not rules.has_perm("proposals.add_proposal", request.user, organization):
        raise PermissionDenied
    # The list may lag (decision 0042): the replica, except for a member who has just written.
    page = paginate(request, dbrouter.tolerant(selectors.member_proposals(request.user, organization)))
    invitations = list(selectors.cosign_invitations(request.user, organization)[:20])
    to_rate = list(selectors.awaiting_rating(request.user, organization)[:20])
    context = {"page": page, "invitations": invitations, "to_rate": to_rate, "today": timezone.localdate()}
    return render(request, "proposals/mine.html", context)


def _form_page(request, form, *, proposal=None, status=200):
    return render(
        request,
        "proposals/form.html",
        {"form": form, "proposal": proposal, "micro": form.kind == Proposal.Kind.MICRO},
        status=status,
    )


@login_required
@once_per_submission
def create_view(request, kind: str = Proposal.Kind.PROPOSAL):
    organization = org_or_404(request)
    user = request.user
    may_add = rules.has_perm("proposals.add_proposal", user, organization)
    on_behalf = rules.has_perm("proposals.enter_on_behalf", user, organization)
    if not may_add:
        raise PermissionDenied
    # Staff who are not members themselves can only enter proposals for a member.
    on_behalf = on_behalf and not any(has_role(user, r, organization) for r in MEMBER_ROLES)
    options = {"organization": organization, "user": user, "kind": kind, "on_behalf": on_behalf}
    if request.method == "POST" and "search_members" in request.POST:
        # The no-JavaScript path of the co-signer search: show the matches, save nothing, keep what was typed
        # (an unbound form with the typed values, so no "required" errors appear yet).
        typed = {k: request.POST.get(k) for k in request.POST if k not in ("cosigners", "csrfmiddlewaretoken")}
        typed["cosigners"] = [v for v in request.POST.getlist("cosigners") if v.isdigit()]
        form = ProposalForm(initial=typed, **options)
        picker = form.fields["cosigners"].widget
        picker.show_results(request.POST.get("cosigners__q", ""), exclude=[user.pk, *typed["cosigners"]])
        return _form_page(request, form)
    form = ProposalForm(request.POST or None, request.FILES or None, **options)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                proposal = services.proposal_create(
                    actor=user,
                    organization=organization,
                    kind=kind,
                    submitter=data.get("submitter") or None,
                    cosigners=list(data.get("cosigners") or []),
                    **form.service_kwargs(),
                )
                for upload in data.get("attachments") or []:
                    services.attachment_add(actor=user, proposal=proposal, file=upload)
                if "submit" in request.POST:
                    services.proposal_submit(actor=user, proposal=proposal)
        except ValidationError as exc:
            apply_errors(form, exc)
        except (TransitionError, PermissionDenied) as exc:
            form.add_error(None, refusal_text(exc))
        else:
            if "submit" in request.POST:
                messages.success(request, _("已提交，提案委员会将进行审查。"))
            else:
                messages.success(request, _("草稿已保存。"))
            return redirect(proposal)
        if data.get("attachments"):
            form.add_error("attachments", _("附件未保存，请重新选择文件。"))
    status = 422 if request.method == "POST" else 200
    return _form_page(request, form, status=status)


@login_required
def edit_view(request, pk: int):
    proposal = selectors.get_proposal_for_user(request.user, pk)
    if not rules.has_perm("proposals.change_proposal", request.user, proposal):
        raise PermissionDenied
    organization = proposal.organization
    initial = {
        name: getattr(proposal, name)
        for name in (
            "title",
            "body",
            "category",
            "submitter_kind",
            "submitter_party",
            "submitter_org_name",
            "committee",
            "sector",
            "cosign_deadline",
        )
    }
    form = ProposalForm(
        request.POST or None,
        organization=organization,
        user=request.user,
        kind=proposal.kind,
        editing=True,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        kwargs = form.service_kwargs()
        try:
            with transaction.atomic():
                services.proposal_update(actor=request.user, proposal=proposal, **kwargs)
                if "submit" in request.POST:
                    services.proposal_submit(actor=request.user, proposal=proposal)
        except ValidationError as exc:
            apply_errors(form, exc)
        except (TransitionError, PermissionDenied) as exc:
            form.add_error(None, refusal_text(exc))
        else:
            messages.success(request, _("已提交。") if "submit" in request.POST else _("草稿已保存。"))
            return redirect(proposal)
    return _form_page(request, form, proposal=proposal, status=422 if request.method == "POST" else 200)


def _proposal_or_404(request, pk):
    return selectors.get_proposal_for_user(request.user, pk)


@require_POST
@login_required
def invite_view(request, pk: int):
    proposal = _proposal_or_404(request, pk)
    form = InviteForm(request.POST, organization=proposal.organization, exclude=[proposal.submitter_id])
    if not form.is_valid():
        messages.error(request, _("请先搜索并勾选要邀请的委员。"))
        return redirect(proposal)
    users = list(form.cleaned_data["cosigners"])
    return act(
        request,
        lambda: services.cosign_invite(actor=request.user, proposal=proposal, users=users),
        success=_("已发出联名邀请。"),
        to=proposal,
    )


@require_POST
@login_required
def withdraw_invitation_view(request, pk: int, user_id: int):
    proposal = _proposal_or_404(request, pk)
    person = get_object_or_404(User, pk=user_id, cosignatures__proposal=proposal)
    return act(
        request,
        lambda: services.cosign_withdraw(actor=request.user, proposal=proposal, user=person),
        success=_("已撤回对 %(name)s 的联名邀请。") % {"name": person.display_name},
        to=proposal,
    )


@require_POST
@login_required
def cosign_view(request, pk: int):
    proposal = _proposal_or_404(request, pk)
    sign = request.POST.get("decision") == "sign"
    service = services.cosign_sign if sign else services.cosign_decline
    return act(
        request,
        lambda: service(actor=request.user, proposal=proposal),
        success=_("已联名。") if sign else _("已谢绝联名。"),
        to=proposal,
    )


@require_POST
@login_required
@once_per_submission
def signed_letter_add_view(request, pk: int, reply_id: int):
    proposal = _proposal_or_404(request, pk)
    reply = get_object_or_404(Reply, pk=reply_id, proposal=proposal)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请选择要上传的文件。"))
        return redirect(proposal)
    upload = form.cleaned_data["file"]
    return act(
        request,
        lambda: services.signed_letter_add(actor=request.user, reply=reply, file=upload),
        success=_("签章答复函已上传。"),
        to=proposal,
    )


@login_required
def signed_letter_download_view(request, pk: int, letter_id: int):
    # Served only through this check: those who may read the reply letter (page_queries.may_read_letter).
    proposal = _proposal_or_404(request, pk)
    letter = get_object_or_404(
        SignedLetter.objects.select_related("reply__proposal"), pk=letter_id, reply__proposal=proposal
    )
    if not may_read_letter(request.user, letter.reply):
        raise Http404
    return _stored_file(letter.file, letter.name)


@require_POST
@login_required
@once_per_submission
def attachment_add_view(request, pk: int):
    proposal = _proposal_or_404(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请选择要上传的文件。"))
        return redirect(proposal)
    upload = form.cleaned_data["file"]
    return act(
        request,
        lambda: services.attachment_add(actor=request.user, proposal=proposal, file=upload),
        success=_("附件已上传。"),
        to=proposal,
    )


@require_POST
@login_required
def attachment_remove_view(request, pk: int, attachment_id: int):
    proposal = _proposal_or_404(request, pk)
    attachment = get_object_or_404(Attachment, pk=attachment_id, proposal=proposal)
    return act(
        request,
        lambda: services.attachment_remove(actor=request.user, attachment=attachment),
        success=_("附件已删除。"),
        to=proposal,
    )


@login_required
def attachment_download_view(request, pk: int, attachment_id: int):
    # Attachments are served only through this check, never from a public media URL.
    proposal = _proposal_or_404(request, pk)
    attachment = get_object_or_404(Attachment, pk=attachment_id, proposal=proposal)
    return _stored_file(attachment.file, attachment.name)


def _stored_file(field_file, name: str) -> FileResponse:
    """An uploaded file as a download under its original name (404 when the file is gone from storage)."""
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=name)
