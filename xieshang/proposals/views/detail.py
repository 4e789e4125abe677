"""The proposal page (提案 and 微提案 alike): the text, signers, units, replies, ratings and the whole history, with
the forms of every action the user may take now; and the POST endpoints of those forms. An action refused by a
service shows the page again with the reason beside the field and the typed values kept (status 422)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xieshang.core.idempotency import once_per_submission
from xieshang.core.names import named
from xieshang.core.views import REFUSALS, act, submit
from xieshang.workflow.exceptions import Conflict

from .. import page_cache, selectors, services
from ..forms import (
    ApproveForm,
    ClassifyForm,
    CommentForm,
    ContactForm,
    ContactResponseForm,
    CountersignForm,
    ExtendForm,
    FastTrackForm,
    KeyCandidateForm,
    KeyForm,
    OpinionForm,
    PaperRatingForm,
    PlanForm,
    RatingForm,
    ReasonForm,
    ReassignForm,
    RecontactForm,
    ReplyForm,
    ReturnForm,
    ReviewForm,
    SendBackForm,
)
from ..models import Assignment, HandlingContact, Reply
from ..selectors import signers
from .detail_context import page_context

# Simple transitions that have a service of their own (the rest go through services.proposal_transition).
SERVICE_FOR = {
    "submit": services.proposal_submit,
    "number": services.proposal_number,
    "propose_assignment": services.assignment_propose,
    "approve_assignment": services.assignment_approve,
    "assign": services.proposal_assign,
    "confirm": services.proposal_confirm,
    "close": services.proposal_close,
    "archive": services.proposal_archive,
}


PART = "proposals/_detail_part.html"


def render_detail(request, pk: int, *, status: int = 200, **forms):
    """The page; on a plain GET its content is the reader's cached part (page_cache: varied by him and the proposal,
    moved by any write of the proposal's records or of his grants), with refused forms it is rendered afresh."""

    def build():
        context = page_context(request, selectors.proposal_detail(request.user, pk), forms)
        return {**context, "keep": {"title": context["proposal"].title}}

    if forms:
        context = build()
        html = render_to_string(PART, context, request=request)
        return render(request, "proposals/detail.html", {"part": html, **context["keep"]}, status=status)
    part = page_cache.part(request, PART, build, pk, reader=request.user.pk)
    return render(request, "proposals/detail.html", {"part": part.html, **part.keep}, status=status)


@login_required
def detail_view(request, pk: int):
    return render_detail(request, pk)


def _check_expected(request, proposal) -> None:
    expected = request.POST.get("expected_state")
    if expected and str(proposal.state_id) != expected:
        raise Conflict(
            _("已被他人处理，当前状态为“%(state)s”。请查看最新情况。") % {"state": named(proposal.state.name)}
        )


def _act(request, pk, name, form, call, success):
    """Validate `form`, call the service; on refusal show the page again with the errors beside the fields."""
    proposal = selectors.get_proposal_for_user(request.user, pk)

    def run(data):
        _check_expected(request, proposal)
        call(proposal, data)

    def page(form):
        return render_detail(request, pk, status=422, **{name: form})

    return submit(request, form, run, success=success, to=proposal, page=page, refusals=REFUSALS)


@require_POST
@login_required
def transition_view(request, pk: int, key: str):
    """The simple transitions (buttons with an optional reason)."""
    proposal = selectors.get_proposal_for_user(request.user, pk)
    reason = (request.POST.get("reason") or "").strip()

    def run():
        _check_expected(request, proposal)
        if key == "reject_assignment":
            return services.assignment_reject(actor=request.user, proposal=proposal, reason=reason)
        if key in SERVICE_FOR:
            return SERVICE_FOR[key](actor=request.user, proposal=proposal)
        return services.proposal_transition(actor=request.user, proposal=proposal, key=key, reason=reason)

    def done(event):
        names = {"action": named(event.transition_name), "state": named(event.to_state_name)}
        return _("已%(action)s，当前状态：%(state)s。") % names

    return act(request, run, success=done, to=proposal)


@require_POST
@login_required
def review_view(request, pk: int):
    proposal = selectors.get_proposal_for_user(request.user, pk)

    def call(p, d):
        services.proposal_review(
            actor=request.user,
            proposal=p,
            outcome=d["outcome"],
            reason=d["reason"],
            ground=d.get("ground"),
            merge_into=d.get("merge_into"),
        )

    return _act(request, pk, "review", ReviewForm(request.POST, proposal=proposal), call, _("审查结果已记录。"))


@require_POST
@login_required
def classify_view(request, pk: int):
    proposal = selectors.get_proposal_for_user(request.user, pk)
    form = ClassifyForm(request.POST, organization=proposal.organization)
    return _act(
        request,
        pk,
        "classify",
        form,
        lambda p, d: services.proposal_classify(actor=request.user, proposal=p, category=d["category"]),
        _("已分类。"),
    )


@require_POST
@login_required
def key_view(request, pk: int):
    proposal = selectors.get_proposal_for_user(request.user, pk)
    form = KeyForm(request.POST, organization=proposal.organization)
    return _act(
        request,
        pk,
        "key",
        form,
        lambda p, d: services.mark_key(
            actor=request.user,
            proposal=p,
            leader=d["leader"],
            supervising_body=d["supervising_body"],
            is_key=d["is_key"],
        ),
        _("重点提案设置已保存。"),
    )


@require_POST
@login_required
@once_per_submission
def key_candidate_view(request, pk: int):
    return _act(
        request,
        pk,
        "key_candidate",
        KeyCandidateForm(request.POST),
        lambda p, d: services.key_candidate_propose(actor=request.user, proposal=p, reason=d["reason"]),
        _("已列入重点提案候选名单，待主席会议决定。"),
    )


@require_POST
@login_required
def fast_track_view(request, pk: int):
    return _act(
        request,
        pk,
        "fast_track",
        FastTrackForm(request.POST),
        lambda p, d: services.set_fast_track(actor=request.user, proposal=p, fast_track=d["fast_track"]),
        _("快速办理设置已保存。"),
    )


@require_POST
@login_required
def extend_view(request, pk: int):
    return _act(
        request,
        pk,
        "extend",
        ExtendForm(request.POST),
        lambda p, d: services.handling_extend(actor=request.user, proposal=p, months=d["months"], reason=d["reason"]),
        _("已延期。"),
    )


@require_POST
@login_required
def plan_view(request, pk: int):
    proposal = selectors.get_proposal_for_user(request.user, pk)
    form = PlanForm(request.POST, organization=proposal.organization, micro=proposal.is_micro)

    def call(p, d):
        if p.is_micro:
            services.micro_accept(actor=request.user, proposal=p, unit=d.get("lead"))
        else:
            services.assignment_plan(actor=request.user, proposal=p, **form.units())

    done = _("已受理并交办。") if proposal.is_micro else _("交办方案已保存，可提交领导审批。")
    return _act(request, pk, "plan", form, call, done)


def _assignment(request, pk, assignment_id) -> Assignment:
    proposal = selectors.get_proposal_for_user(request.user, pk)
    assignment = get_object_or_404(Assignment.objects.select_related("unit"), pk=assignment_id, proposal=proposal)
    assignment.proposal = proposal
    return assignment


@require_POST
@login_required
def receive_view(request, pk: int, assignment_id: int):
    assignment = _assignment(request, pk, assignment_id)
    return act(
        request,
        lambda: services.assignment_receive(actor=request.user, assignment=assignment),
        success=_("已签收。"),
        to=assignment.proposal,
    )


@require_POST
@login_required
def return_view(request, pk: int, assignment_id: int):
    assignment = _assignment(request, pk, assignment_id)
    return _act(
        request,
        pk,
        "return",
        ReturnForm(request.POST),
        lambda p, d: services.assignment_return(actor=request.user, assignment=assignment, reason=d["reason"]),
        _("已退回，等待提案委员会处理。"),
    )


@require_POST
@login_required
def reassign_view(request, pk: int, assignment_id: int):
    assignment = _assignment(request, pk, assignment_id)
    form = ReassignForm(request.POST, organization=assignment.proposal.organization)
    return _act(
        request,
        pk,
        "reassign",
        form,
        lambda p, d: services.return_reassign(
            actor=request.user, assignment=assignment, unit=d.get("unit"), reason=d["reason"]
        ),
        _("已改交其他承办单位。"),
    )


@require_POST
@login_required
def refuse_return_view(request, pk: int, assignment_id: int):
    assignment = _assignment(request, pk, assignment_id)
    return _act(
        request,
        pk,
        "refuse",
        ReasonForm(request.POST),
        lambda p, d: services.return_refuse(actor=request.user, assignment=assignment, reason=d["reason"]),
        _("已不同意退回，原单位继续办理。"),
    )


@require_POST
@login_required
def opinion_view(request, pk: int, assignment_id: int):
    assignment = _assignment(request, pk, assignment_id)
    return _act(
        request,
        pk,
        "opinion",
        OpinionForm(request.POST),
        lambda p, d: services.cohandler_opinion(actor=request.user, assignment=assignment, text=d["text"]),
        _("协办意见已送主办单位。"),
    )


@require_POST
@login_required
def recontact_view(request, pk: int):
    return _act(
        request,
        pk,
        "recontact",
        RecontactForm(request.POST),
        lambda p, d: services.rehandle_contact(actor=request.user, proposal=p, note=d["note"]),
        _("已记录沟通情况。"),
    )


@require_POST
@login_required
@once_per_submission
def contact_view(request, pk: int):
    form = ContactForm(request.POST)

    def call(p, d):
        assignment_id = request.POST.get("assignment")
        assignment = Assignment.objects.filter(pk=assignment_id, proposal=p).first() if assignment_id else None
        services.contact_record(
            actor=request.user,
            proposal=p,
            assignment=assignment,
            method=d["method"],
            contacted_on=d["contacted_on"],
            with_whom=d["with_whom"],
            agreed=d["agreed"],
        )

    return _act(request, pk, "contact", form, call, _("已记录办理沟通情况，提案人确认后可在页面查看。"))


@require_POST
@login_required
def contact_respond_view(request, pk: int, contact_id: int):
    proposal = selectors.get_proposal_for_user(request.user, pk)
    contact = get_object_or_404(HandlingContact, pk=contact_id, proposal=proposal)
    form = ContactResponseForm(request.POST)

    def call(p, d):
        if d["response"] not in ("confirm", "dispute"):
            raise ValidationError({"response": _("请选择确认或有异议。")})
        services.contact_respond(
            actor=request.user, contact=contact, confirm=d["response"] == "confirm", note=d["note"]
        )

    return _act(request, pk, "contact_response", form, call, _("已回复办理沟通记录。"))


@require_POST
@login_required
def reply_view(request, pk: int):
    form = ReplyForm(request.POST)

    def call(p, d):
        assignment_id = request.POST.get("assignment")
        assignment = Assignment.objects.filter(pk=assignment_id, proposal=p).first() if assignment_id else None
        services.reply_submit(
            actor=request.user,
            proposal=p,
            assignment=assignment,
            **{
                k: d[k]
                for k in (
                    "reference_number",
                    "contact_person",
                    "contact_phone",
                    "text",
                    "grade",
                    "promise",
                    "promise_due_on",
                )
            },
        )

    return _act(request, pk, "reply", form, call, _("答复已提交。"))


@require_POST
@login_required
def countersign_view(request, pk: int):
    return _act(
        request,
        pk,
        "countersign",
        CountersignForm(request.POST),
        lambda p, d: services.reply_countersign(actor=request.user, proposal=p, note=d["note"], text=d["text"]),
        _("已会签。"),
    )


@require_POST
@login_required
def approve_view(request, pk: int):
    return _act(
        request,
        pk,
        "approve",
        ApproveForm(request.POST),
        lambda p, d: services.reply_approve(actor=request.user, proposal=p, grade=d["grade"] or None, note=d["note"]),
        _("审核通过，答复已送达提案人。"),
    )


@require_POST
@login_required
def send_back_view(request, pk: int):
    return _act(
        request,
        pk,
        "send_back",
        SendBackForm(request.POST),
        lambda p, d: services.reply_send_back(actor=request.user, proposal=p, reason=d["reason"]),
        _("答复已退回承办单位重新答复。"),
    )


@require_POST
@login_required
@once_per_submission
def comment_view(request, pk: int):
    return _act(
        request,
        pk,
        "comment",
        CommentForm(request.POST),
        lambda p, d: services.comment_add(actor=request.user, proposal=p, text=d["text"]),
        _("留言已发表。"),
    )


@require_POST
@login_required
def rate_view(request, pk: int):
    return _act(
        request,
        pk,
        "rating",
        RatingForm(request.POST),
        lambda p, d: services.rating_submit(
            actor=request.user, proposal=p, satisfaction=d["satisfaction"], comment=d["comment"]
        ),
        _("感谢您的评价。"),
    )


@require_POST
@login_required
def paper_rating_view(request, pk: int):
    proposal = selectors.get_proposal_for_user(request.user, pk)
    form = PaperRatingForm(request.POST, raters=signers(proposal))
    return _act(
        request,
        pk,
        "paper",
        form,
        lambda p, d: services.rating_submit(
            actor=request.user, proposal=p, rater=d["rater"], satisfaction=d["satisfaction"], comment=d["comment"]
        ),
        _("纸质评价已录入。"),
    )


@require_POST
@login_required
def publish_view(request, pk: int, reply_id: int):
    proposal = selectors.get_proposal_for_user(request.user, pk)
    reply = get_object_or_404(Reply, pk=reply_id, proposal=proposal)
    back = "proposals:publish_queue" if request.POST.get("back") == "queue" else proposal
    return act(
        request,
        lambda: services.reply_publish(actor=request.user, reply=reply),
        success=_("答复已公开，联系方式已隐去。"),
        to=back,
    )
