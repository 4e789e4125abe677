"""The public live consultation's pages: the portal's live page (anyone watches; signed-in residents ask and vote;
invited participants ask for the floor), the host's control page (settings, moderation, the queues, quick votes) and
the replay page afterwards. The live updates come from live_stream.py (Server-Sent Events)."""

from __future__ import annotations

import rules
from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from xieshang.core.idempotency import once_per_submission
from xieshang.core.views import act, submit
from xieshang.workflow.selectors import state_has

from .. import selectors
from ..live_stream import snapshot
from ..models import LiveQuestion, LiveStage, QuickBallot, QuickVote, SpeakRequest
from ..services import live
from ..workflows import MINUTES_PUBLIC
from ._base import _need


class QuestionForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("我的提问"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=gettext_lazy("经工作人员审核后进入提问队列，由主持人选读。最多 300 字。"),
    )


class StageForm(forms.ModelForm):
    class Meta:
        model = LiveStage
        fields = ["is_public", "video_url", "video_mode", "replay_url", "speaker_seconds"]
        help_texts = {
            "video_url": gettext_lazy("本会直播服务的地址；不接受其他网站的链接或脚本。"),
            "replay_url": gettext_lazy("会后填写回放地址，公众可在回放页观看。"),
        }


class VoteForm(forms.Form):
    question = forms.CharField(label=gettext_lazy("表决事项"), max_length=200, required=False)
    options = forms.CharField(
        label=gettext_lazy("选项（每行一个）"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class RejectForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("不予通过的理由"), max_length=300, required=False)


# ---------------------------------------------------------------------------------------------------- helpers
def _public_consultation(pk: int):
    return get_object_or_404(selectors.public_consultations(), pk=pk)


def _public_stage(consultation) -> LiveStage:
    stage = LiveStage.objects.filter(consultation=consultation, is_public=True).first()
    if stage is None:
        raise Http404
    return stage


def _with_video_csp(response, stage: LiveStage, *urls: str):
    """Open the page's CSP to the one origin its video comes from (an allowed origin of our streaming service): a
    <video> may play from it (media-src) or it may be framed (frame-src); scripts stay 'self' + nonce."""
    origins = sorted({live.origin_of(u) for u in urls if u and live.video_refusal(u) is None} - {""})
    if origins:
        policy = {key: list(value) for key, value in settings.SECURE_CSP.items()}
        policy["media-src"] = [*policy.get("media-src", ["'self'"]), *origins]
        policy["frame-src"] = [*policy.get("frame-src", ["'self'"]), *origins]
        response._csp_config = policy
    return response


def _viewer_context(request, consultation, stage, question_form=None):
    user = request.user
    signed_in = user.is_authenticated
    mine = (
        list(LiveQuestion.objects.filter(consultation=consultation, author=user).order_by("-id")[:20])
        if signed_in
        else []
    )
    my_request = (
        SpeakRequest.objects.filter(
            consultation=consultation,
            user=user,
            status__in=[SpeakRequest.Status.WAITING, SpeakRequest.Status.SPEAKING],
        ).first()
        if signed_in
        else None
    )
    voted = (
        set(QuickBallot.objects.filter(vote__consultation=consultation, user=user).values_list("vote_id", flat=True))
        if signed_in
        else set()
    )
    context = snapshot(consultation.pk) or {}
    context.update(
        {
            "consultation": consultation,
            "stage": stage,
            "signed_in": signed_in,
            "can_ask": rules.has_perm("consultations.ask_live", user, consultation),
            "can_speak": rules.has_perm("consultations.speak_live", user, consultation),
            "can_host": rules.has_perm("consultations.host_live", user, consultation),
            "refusal": live.stage_refusal(stage),
            "question_form": question_form or QuestionForm(),
            "mine": mine,
            "my_request": my_request,
            "voted": ",".join(str(v) for v in sorted(voted)),
            "stream_url": reverse("consultations:live_stream", args=[consultation.pk]),
            "login_url": f"{reverse('accounts:login')}?next={request.path}",
        }
    )
    return context


def _live_page(request, consultation, stage, question_form=None, status=200):
    context = _viewer_context(request, consultation, stage, question_form)
    response = render(request, "consultations/live/public.html", context, status=status)
    return _with_video_csp(response, stage, stage.video_url)


# ------------------------------------------------------------------------------------------------- the viewers
def live_public_page(request, pk: int):
    consultation = _public_consultation(pk)
    stage = _public_stage(consultation)
    return _live_page(request, consultation, stage)


@login_required
@require_POST
@once_per_submission
def question_submit_view(request, pk: int):
    consultation = _public_consultation(pk)
    stage = _public_stage(consultation)
    return submit(
        request,
        QuestionForm(request.POST),
        lambda data: live.question_submit(actor=request.user, consultation=consultation, text=data["text"]),
        success=_("提问已提交，经工作人员审核后进入提问队列。"),
        to=reverse("consultations:live_public", args=[pk]) + "#my-questions",
        page=lambda form: _live_page(request, consultation, stage, form, status=400),
        refusals=(PermissionDenied,),
    )


@login_required
@require_POST
def vote_cast_view(request, pk: int):
    vote = get_object_or_404(QuickVote.objects.select_related("consultation"), pk=pk)
    consultation = _public_consultation(vote.consultation_id)
    _public_stage(consultation)
    return act(
        request,
        lambda: live.vote_cast(actor=request.user, vote=vote, option_id=request.POST.get("option", "")),
        success=_("已投票，感谢参与！"),
        to=reverse("consultations:live_public", args=[consultation.pk]) + f"#vote-{vote.pk}",
    )


@login_required
@require_POST
def speak_request_view(request, pk: int):
    consultation = _public_consultation(pk)
    _public_stage(consultation)
    withdraw = request.POST.get("withdraw", "")
    if withdraw:
        if not withdraw.isdigit():
            raise Http404
        speak = get_object_or_404(SpeakRequest, pk=int(withdraw), consultation=consultation)
        call = lambda: live.speak_withdraw(actor=request.user, request=speak)  # noqa: E731
        message = _("已撤回发言申请。")
    else:
        call = lambda: live.speak_request(actor=request.user, consultation=consultation)  # noqa: E731
        message = _("已申请发言，请等候主持人安排。")
    return act(request, call, success=message, to=reverse("consultations:live_public", args=[pk]) + "#speakers")


def replay_page(request, pk: int):
    consultation = _public_consultation(pk)
    stage = _public_stage(consultation)
    if stage.state != LiveStage.State.CLOSED:
        raise Http404
    context = snapshot(consultation.pk) or {}
    context.update(
        {
            "consultation": consultation,
            "stage": stage,
            "answered_all": LiveQuestion.objects.filter(
                consultation=consultation, status=LiveQuestion.Status.APPROVED, stage=LiveQuestion.Stage.ANSWERED
            ).order_by("answered_at", "id"),
            "show_minutes": state_has(consultation, MINUTES_PUBLIC),
            "outcomes": selectors.public_outcomes(consultation=consultation).select_related("owner_unit"),
        }
    )
    response = render(request, "consultations/live/replay.html", context)
    return _with_video_csp(response, stage, stage.replay_url)


# ------------------------------------------------------------------------------------------------------ the host
def _host_context(request, consultation, stage, stage_form=None, vote_form=None, reject_forms=None):
    reject_forms = reject_forms or {}
    pending = list(
        LiveQuestion.objects.filter(consultation=consultation, status=LiveQuestion.Status.PENDING).order_by("id")
    )
    for q in pending:
        q.reject_form = reject_forms.get(q.pk) or RejectForm(prefix=f"q{q.pk}")
    context = snapshot(consultation.pk) or {}
    context.update(
        {
            "consultation": consultation,
            "stage": stage,
            "stage_form": stage_form or StageForm(instance=stage),
            "vote_form": vote_form or VoteForm(),
            "pending_questions": pending,
            "queue": LiveQuestion.objects.filter(
                consultation=consultation,
                status=LiveQuestion.Status.APPROVED,
                stage__in=[LiveQuestion.Stage.QUEUED, LiveQuestion.Stage.ANSWERING],
            ).order_by("position", "id"),
            "speakers": SpeakRequest.objects.filter(
                consultation=consultation, status__in=[SpeakRequest.Status.WAITING, SpeakRequest.Status.SPEAKING]
            )
            .select_related("user")
            .order_by("position", "id"),
            "all_votes": QuickVote.objects.filter(consultation=consultation).prefetch_related("options"),
            "stream_url": reverse("consultations:live_stream", args=[consultation.pk]) if stage.is_public else "",
            "allowed_origins": live.allowed_origins(),
        }
    )
    return context


def _host_page(request, consultation, stage, status=200, **forms):
    response = render(
        request, "consultations/live/host.html", _host_context(request, consultation, stage, **forms), status=status
    )
    return _with_video_csp(response, stage, stage.video_url)


@login_required
@once_per_submission
def host_view(request, pk: int):
    """The host's page: GET shows it; each POST names its `action` and goes through one service."""
    consultation = selectors.get_consultation_for_user(request.user, pk)
    _need(request, "consultations.host_live", consultation)
    stage = live.stage_of(consultation)
    if request.method != "POST":
        return _host_page(request, consultation, stage)
    here = reverse("consultations:live_host", args=[pk])
    action = request.POST.get("action", "")
    user = request.user

    def question():
        return get_object_or_404(
            LiveQuestion.objects.select_related("consultation"), pk=request.POST.get("item"), consultation=consultation
        )

    def speaker():
        return get_object_or_404(
            SpeakRequest.objects.select_related("consultation"), pk=request.POST.get("item"), consultation=consultation
        )

    if action == "configure":
        return submit(
            request,
            StageForm(request.POST, instance=LiveStage.objects.get(pk=stage.pk)),
            lambda data: live.stage_configure(actor=user, consultation=consultation, **data),
            success=_("直播设置已保存。"),
            to=here,
            page=lambda form: _host_page(request, consultation, stage, status=400, stage_form=form),
        )
    if action == "vote_open":
        return submit(
            request,
            VoteForm(request.POST),
            lambda data: live.vote_open(actor=user, consultation=consultation, **data),
            success=_("表决已发起，观众可以投票了。"),
            to=here + "#votes-host",
            page=lambda form: _host_page(request, consultation, stage, status=400, vote_form=form),
        )
    if action == "reject":
        q = question()
        form = RejectForm(request.POST, prefix=f"q{q.pk}")
        return submit(
            request,
            form,
            lambda data: live.question_moderate(actor=user, question=q, decision="reject", reason=data["reason"]),
            success=_("已不予通过，提问人会看到理由。"),
            to=here + "#pending",
            page=lambda f: _host_page(request, consultation, stage, status=400, reject_forms={q.pk: f}),
        )
    direction = request.POST.get("direction", "")
    actions = {
        "start": (lambda: live.stage_start(actor=user, consultation=consultation), _("直播已开始。")),
        "close": (lambda: live.stage_close(actor=user, consultation=consultation), _("直播已结束。")),
        "approve": (lambda: live.question_moderate(actor=user, question=question(), decision="approve"), _("已通过。")),
        "q_move": (lambda: live.question_move(actor=user, question=question(), direction=direction), None),
        "q_take": (
            lambda: live.question_advance(actor=user, question=question(), stage=LiveQuestion.Stage.ANSWERING),
            _("已选读这条提问。"),
        ),
        "q_answered": (
            lambda: live.question_advance(actor=user, question=question(), stage=LiveQuestion.Stage.ANSWERED),
            _("已标记为已回答。"),
        ),
        "s_move": (lambda: live.speaker_move(actor=user, request=speaker(), direction=direction), None),
        "s_floor": (lambda: live.speaker_floor(actor=user, request=speaker()), _("已请其发言，计时开始。")),
        "s_done": (lambda: live.speaker_done(actor=user, request=speaker()), _("发言结束。")),
        "vote_close": (
            lambda: live.vote_close(
                actor=user, vote=get_object_or_404(QuickVote, pk=request.POST.get("item"), consultation=consultation)
            ),
            _("表决已结束。"),
        ),
    }
    if action not in actions:
        raise Http404
    call, message = actions[action]
    return act(request, call, success=message, to=here)
