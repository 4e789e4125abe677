"""The public live consultation (issue #16): host staff open a consultation to public viewing with a link to the
conference's own streaming service, start and close the meeting; signed-in residents send questions that staff
moderate into a queue the host orders and answers; invited participants ask for the floor and the host gives it with
a time limit; the host opens quick votes that signed-in viewers answer once.

Every write bumps the stage's `version` in its transaction and, after commit, publishes it on Redis when REDIS_URL is
set (live_stream.py: one listener per process fans the new state out to its viewers). Question and moderation limits
are core.limits' "live_question" rule (per account and per client address); the blocklist is the calls' one."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.audit.context import current_ip
from xieshang.audit.services import audit_record
from xieshang.core import limits
from xieshang.core.services import lock, require, text_error

from ..live_stream import CHANNEL, refresh_local
from ..models import Consultation, LiveQuestion, LiveStage, QuickBallot, QuickVote, QuickVoteOption, SpeakRequest
from ._base import NOT_PERMITTED
from .calls import blocklist_matches

if TYPE_CHECKING:
    from xieshang.accounts.models import User

QUESTION_MAX_CHARS = 300
REASON_MAX_CHARS = 300
VOTE_OPTIONS = (2, 6)
SPEAKER_SECONDS = (30, 1800)
logger = logging.getLogger(__name__)


# ------------------------------------------------------------------------------------------------------ the stage
def stage_of(consultation: Consultation) -> LiveStage:
    stage, _created = LiveStage.objects.get_or_create(consultation=consultation)
    return stage


def allowed_origins() -> list[str]:
    return [o.rstrip("/") for o in getattr(settings, "XIESHANG_LIVE_VIDEO_ORIGINS", []) if o]


def origin_of(url: str) -> str:
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else ""


def video_refusal(url: str) -> str | None:
    """Why a video address is refused, else None: only the conference's own streaming service (the origins in
    settings.XIESHANG_LIVE_VIDEO_ORIGINS) may be linked or embedded, so the page's CSP opens to that origin only."""
    if not url:
        return None
    allowed = [o.lower() for o in allowed_origins()]
    if origin_of(url) not in allowed:
        if not allowed:
            return _("尚未配置本会的直播服务地址，暂不能设置直播链接。")
        return _("只能使用本会直播服务的地址（%(o)s）。") % {"o": "、".join(allowed)}
    return None


def _bump(consultation_id: int) -> None:
    """The live state changed: bump the version (same transaction) and, after commit, tell the stream processes."""
    LiveStage.objects.filter(consultation_id=consultation_id).update(version=F("version") + 1)
    transaction.on_commit(lambda: publish(consultation_id))


def publish(consultation_id: int) -> None:
    refresh_local(consultation_id)
    if not settings.REDIS_URL:
        return
    try:
        import redis

        client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=0.5, socket_connect_timeout=0.5)
        client.publish(CHANNEL, str(consultation_id))
    except Exception:  # noqa: BLE001 - the processes' version poll picks the change up anyway
        logger.warning("live: Redis publish failed; the stream's poll will pick the change up")


def stage_configure(
    *,
    actor: User,
    consultation: Consultation,
    is_public: bool,
    video_url: str = "",
    video_mode: str = LiveStage.VideoMode.LINK,
    replay_url: str = "",
    speaker_seconds: int = 180,
) -> LiveStage:
    require(actor, "consultations.host_live", consultation, NOT_PERMITTED)
    errors: dict[str, str] = {}
    video_url, replay_url = (video_url or "").strip(), (replay_url or "").strip()
    for field, url in (("video_url", video_url), ("replay_url", replay_url)):
        problem = video_refusal(url)
        if problem:
            errors[field] = problem
    if video_mode not in LiveStage.VideoMode.values:
        errors["video_mode"] = _("请选择播放方式。")
    if is_public and not video_url:
        errors["video_url"] = _("向公众直播须填写直播地址。")
    low, high = SPEAKER_SECONDS
    if not low <= int(speaker_seconds or 0) <= high:
        errors["speaker_seconds"] = _("每人发言时长应在 %(a)d 至 %(b)d 秒之间。") % {"a": low, "b": high}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        stage = lock(stage_of(consultation))
        before = {"is_public": stage.is_public, "video_url": stage.video_url}
        stage.is_public = bool(is_public)
        stage.video_url, stage.video_mode, stage.replay_url = video_url, video_mode, replay_url
        stage.speaker_seconds = int(speaker_seconds)
        stage.save(update_fields=["is_public", "video_url", "video_mode", "replay_url", "speaker_seconds"])
        audit_record(
            actor=actor,
            action="consultations.live_configure",
            obj=consultation,
            detail={"before": before, "is_public": stage.is_public, "video_url": video_url, "replay": replay_url},
        )
        _bump(consultation.pk)
    return stage


def stage_start(*, actor: User, consultation: Consultation) -> LiveStage:
    require(actor, "consultations.host_live", consultation, NOT_PERMITTED)
    with transaction.atomic():
        stage = lock(stage_of(consultation))
        if stage.state != LiveStage.State.WAITING:
            raise ValidationError(_("直播已经开始或已结束，不能再次开始。"))
        stage.state, stage.started_at = LiveStage.State.LIVE, timezone.now()
        stage.save(update_fields=["state", "started_at"])
        audit_record(actor=actor, action="consultations.live_start", obj=consultation)
        _bump(consultation.pk)
    return stage


def stage_close(*, actor: User, consultation: Consultation) -> LiveStage:
    """The meeting ends: questions and requests to speak stop, open votes close, the speaker's turn ends."""
    require(actor, "consultations.host_live", consultation, NOT_PERMITTED)
    now = timezone.now()
    with transaction.atomic():
        stage = lock(stage_of(consultation))
        if stage.state != LiveStage.State.LIVE:
            raise ValidationError(_("直播不在进行中，无需结束。"))
        stage.state, stage.closed_at = LiveStage.State.CLOSED, now
        stage.save(update_fields=["state", "closed_at"])
        QuickVote.objects.filter(consultation=consultation, is_open=True).update(is_open=False, closed_at=now)
        SpeakRequest.objects.filter(consultation=consultation, status=SpeakRequest.Status.SPEAKING).update(
            status=SpeakRequest.Status.DONE, done_at=now
        )
        SpeakRequest.objects.filter(consultation=consultation, status=SpeakRequest.Status.WAITING).update(
            status=SpeakRequest.Status.WITHDRAWN, done_at=now
        )
        LiveQuestion.objects.filter(consultation=consultation, stage=LiveQuestion.Stage.ANSWERING).update(
            stage=LiveQuestion.Stage.ANSWERED, answered_at=now
        )
        audit_record(actor=actor, action="consultations.live_close", obj=consultation)
        _bump(consultation.pk)
    return stage


def stage_refusal(stage: LiveStage | None, posted: bool = False) -> str:
    """ "" while the public meeting takes questions, requests to speak and votes; else why not (`posted`: to a
    question that was sent, which the page keeps)."""
    if stage is None or not stage.is_public:
        return _("本次协商未向公众直播。")
    if stage.state == LiveStage.State.WAITING:
        return _("直播尚未开始，开始后即可提问。")
    if stage.state == LiveStage.State.CLOSED:
        if posted:
            return _("本次直播已结束，不再接收提问。您填写的内容没有提交，仍保留在下方。")
        return _("本次直播已结束，不再接收提问。")
    return ""


# ------------------------------------------------------------------------------------------------------ questions
def question_submit(*, actor: User, consultation: Consultation, text: str) -> LiveQuestion:
    """A resident's question: it waits for staff (every question is moderated before it is shown)."""
    require(actor, "consultations.ask_live", consultation, _("请先以居民或委员账号登录，再提问。"))
    stage = LiveStage.objects.filter(consultation=consultation).first()
    refusal = stage_refusal(stage, posted=True)
    if refusal:
        raise ValidationError({"text": refusal})
    text = (text or "").strip()
    problem = text_error(text, QUESTION_MAX_CHARS, _("问题"))
    if problem:
        raise ValidationError({"text": problem})
    flood = limits.hit("live_question", account=actor.pk, address=current_ip.get())
    if flood:
        raise ValidationError({"text": limits.wait_text(flood)})
    flagged = blocklist_matches(text, consultation.organization_id)
    with transaction.atomic():
        question = LiveQuestion.objects.create(
            consultation=consultation, author=actor, text=text, flagged="、".join(flagged)[:200]
        )
        audit_record(
            actor=actor,
            action="consultations.live_question",
            obj=question,
            organization=consultation.organization_id,
            detail={"flagged": flagged},
        )
        _bump(consultation.pk)
    return question


QUESTION_DECISIONS = {"approve": LiveQuestion.Status.APPROVED, "reject": LiveQuestion.Status.REJECTED}


def question_moderate(*, actor: User, question: LiveQuestion, decision: str, reason: str = "") -> LiveQuestion:
    """pending → approved (joins the end of the host's queue) or rejected (with the reason its author sees). One
    audit row per decision; a decision already taken by someone else is refused."""
    consultation = question.consultation
    require(actor, "consultations.host_live", consultation, NOT_PERMITTED)
    if decision not in QUESTION_DECISIONS:
        raise ValidationError({"decision": _("请选择处理方式。")})
    reason = (reason or "").strip()
    if decision == "reject" and not reason:
        raise ValidationError({"reason": _("不予通过时须填写理由，提问人会看到这一理由。")})
    if len(reason) > REASON_MAX_CHARS:
        raise ValidationError({"reason": _("理由最多 %(n)d 字。") % {"n": REASON_MAX_CHARS}})
    with transaction.atomic():
        locked = lock(question)
        if locked.status != LiveQuestion.Status.PENDING:
            raise ValidationError(
                _("这条提问已由他人处理（现为“%(s)s”），请刷新后再看。") % {"s": locked.get_status_display()}
            )
        locked.status = QUESTION_DECISIONS[decision]
        locked.reason = reason if decision == "reject" else ""
        locked.moderated_by, locked.moderated_at = actor, timezone.now()
        fields = ["status", "reason", "moderated_by", "moderated_at"]
        if decision == "approve":
            top = LiveQuestion.objects.filter(consultation=consultation, status=LiveQuestion.Status.APPROVED)
            locked.position = (top.aggregate(m=Max("position"))["m"] or 0) + 1
            fields.append("position")
        locked.save(update_fields=fields)
        audit_record(
            actor=actor,
            action=f"consultations.live_question_{decision}",
            obj=locked,
            organization=consultation.organization_id,
            detail={"from": "pending", "to": locked.status, "reason": reason},
        )
        _bump(consultation.pk)
    for field in ("status", "reason", "moderated_by_id", "moderated_at", "position"):
        setattr(question, field, getattr(locked, field))
    return question


def _queued(model: Any, consultation_id: int, **filters: Any) -> Any:
    return model.objects.filter(consultation_id=consultation_id, **filters).order_by("position", "id")


def _move(items: list[Any], target: Any, direction: str) -> list[Any]:
    """The list with `target` moved one place up or down; positions renumbered 1..n."""
    index = next(i for i, item in enumerate(items) if item.pk == target.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]
    for n, item in enumerate(items, start=1):
        item.position = n
    return items


def question_move(*, actor: User, question: LiveQuestion, direction: str) -> None:
    consultation = question.consultation
    require(actor, "consultations.host_live", consultation, NOT_PERMITTED)
    if direction not in ("up", "down"):
        raise ValidationError(_("请选择上移或下移。"))
    with transaction.atomic():
        lock(stage_of(consultation))  # one reordering at a time per meeting
        items = list(
            _queued(LiveQuestion, consultation.pk, status=LiveQuestion.Status.APPROVED, stage=LiveQuestion.Stage.QUEUED)
        )
        if question.pk not in {q.pk for q in items}:
            raise ValidationError(_("这条提问已不在排队中，请刷新后再看。"))
        LiveQuestion.objects.bulk_update(_move(items, question, direction), ["position"])
        _bump(consultation.pk)


def question_advance(*, actor: User, question: LiveQuestion, stage: str) -> LiveQuestion:
    """The host takes a question (answering; the one answered before is marked answered) or marks it answered."""
    consultation = question.consultation
    require(actor, "consultations.host_live", consultation, NOT_PERMITTED)
    sources: dict[str, tuple[str, ...]] = {
        LiveQuestion.Stage.ANSWERING: (LiveQuestion.Stage.QUEUED,),
        LiveQuestion.Stage.ANSWERED: (LiveQuestion.Stage.QUEUED, LiveQuestion.Stage.ANSWERING),
    }
    if stage not in sources:
        raise ValidationError(_("请选择回答进度。"))
    now = timezone.now()
    with transaction.atomic():
        lock(stage_of(consultation))
        locked = lock(question)
        if locked.status != LiveQuestion.Status.APPROVED or locked.stage not in sources[stage]:
            raise ValidationError(
                _("这条提问的进度已经变化（现为“%(s)s”），请刷新后再看。") % {"s": locked.get_stage_display()}
            )
        if stage == LiveQuestion.Stage.ANSWERING:
            LiveQuestion.objects.filter(consultation=consultation, stage=LiveQuestion.Stage.ANSWERING).update(
                stage=LiveQuestion.Stage.ANSWERED, answered_at=now
            )
        locked.stage = stage
        locked.answered_at = now if stage == LiveQuestion.Stage.ANSWERED else None
        locked.save(update_fields=["stage", "answered_at"])
        audit_record(
            actor=actor,
            action="consultations.live_question_stage",
            obj=locked,
            organization=consultation.organization_id,
            detail={"to": stage},
        )
        _bump(consultation.pk)
    question.stage, question.answered_at = locked.stage, locked.answered_at
    return question


# ------------------------------------------------------------------------------------------------------- speakers
def speak_request(*, actor: User, consultation: Consultation) -> SpeakRequest:
    """An invited participant asks for the floor; asking again while waiting or speaking adds nothing."""
    require(actor, "consultations.speak_live", consultation, _("只有受邀参加本次协商的人员可以申请发言。"))
    stage = LiveStage.objects.filter(consultation=consultation).first()
    if stage is None or stage.state != LiveStage.State.LIVE:
        raise ValidationError(_("会议不在进行中，不能申请发言。"))
    open_statuses = (SpeakRequest.Status.WAITING, SpeakRequest.Status.SPEAKING)
    existing = SpeakRequest.objects.filter(consultation=consultation, user=actor, status__in=open_statuses).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            lock(stage)
            top = SpeakRequest.objects.filter(consultation=consultation).aggregate(m=Max("position"))["m"] or 0
            request = SpeakRequest.objects.create(
                consultation=consultation, user=actor, position=top + 1, seconds=stage.speaker_seconds
            )
            audit_record(actor=actor, action="consultations.speak_request", obj=consultation)
            _bump(consultation.pk)
    except IntegrityError:
        return SpeakRequest.objects.get(consultation=consultation, user=actor, status__in=open_statuses)
    return request


def speak_withdraw(*, actor: User, request: SpeakRequest) -> SpeakRequest:
    if request.user_id != actor.pk:
        raise ValidationError(NOT_PERMITTED)
    with transaction.atomic():
        locked = lock(request)
        if locked.status != SpeakRequest.Status.WAITING:
            raise ValidationError(_("只能撤回尚在等候的发言申请。"))
        locked.status, locked.done_at = SpeakRequest.Status.WITHDRAWN, timezone.now()
        locked.save(update_fields=["status", "done_at"])
        _bump(request.consultation_id)
    request.status = locked.status
    return request


def speaker_move(*, actor: User, request: SpeakRequest, direction: str) -> None:
    consultation = request.consultation
    require(actor, "consultations.host_live", consultation, NOT_PERMITTED)
    if direction not in ("up", "down"):
        raise ValidationError(_("请选择上移或下移。"))
    with transaction.atomic():
        lock(stage_of(consultation))
        items = list(_queued(SpeakRequest, consultation.pk, status=SpeakRequest.Status.WAITING))
        if request.pk not in {r.pk for r in items}:
            raise ValidationError(_("这条发言申请已不在等候中，请刷新后再看。"))
        SpeakRequest.objects.bulk_update(_move(items, request, direction), ["position"])
        _bump(consultation.pk)


def speaker_floor(*, actor: User, request: SpeakRequest) -> SpeakRequest:
    """The host gives the floor: the countdown of the stage's time limit starts; a previous speaker's turn ends."""
    consultation = request.consultation
    require(actor, "consultations.host_live", consultation, NOT_PERMITTED)
    now = timezone.now()
    with transaction.atomic():
        stage = lock(stage_of(consultation))
        if stage.state != LiveStage.State.LIVE:
            raise ValidationError(_("会议不在进行中，不能安排发言。"))
        locked = lock(request)
        if locked.status != SpeakRequest.Status.WAITING:
            raise ValidationError(_("这条发言申请已不在等候中，请刷新后再看。"))
        SpeakRequest.objects.filter(consultation=consultation, status=SpeakRequest.Status.SPEAKING).update(
            status=SpeakRequest.Status.DONE, done_at=now
        )
        locked.status, locked.floor_at, locked.seconds = SpeakRequest.Status.SPEAKING, now, stage.speaker_seconds
        locked.save(update_fields=["status", "floor_at", "seconds"])
        audit_record(
            actor=actor, action="consultations.speaker_floor", obj=consultation, detail={"user": locked.user_id}
        )
        _bump(consultation.pk)
    request.status, request.floor_at, request.seconds = locked.status, locked.floor_at, locked.seconds
    return request


def speaker_done(*, actor: User, request: SpeakRequest) -> SpeakRequest:
    consultation = request.consultation
    require(actor, "consultations.host_live", consultation, NOT_PERMITTED)
    with transaction.atomic():
        locked = lock(request)
        if locked.status != SpeakRequest.Status.SPEAKING:
            raise ValidationError(_("这位发言人当前没有在发言。"))
        locked.status, locked.done_at = SpeakRequest.Status.DONE, timezone.now()
        locked.save(update_fields=["status", "done_at"])
        _bump(consultation.pk)
    request.status = locked.status
    return request


# ---------------------------------------------------------------------------------------------------- quick votes
def vote_open(*, actor: User, consultation: Consultation, question: str, options: str | list[str]) -> QuickVote:
    require(actor, "consultations.host_live", consultation, NOT_PERMITTED)
    stage = LiveStage.objects.filter(consultation=consultation).first()
    errors: dict[str, str] = {}
    if stage is None or stage.state != LiveStage.State.LIVE:
        errors["question"] = _("会议不在进行中，不能发起表决。")
    question = (question or "").strip()
    problem = text_error(question, 200, _("表决事项"))
    if problem:
        errors["question"] = problem
    if isinstance(options, str):
        options = options.splitlines()
    labels = list(dict.fromkeys(o.strip() for o in options if o and o.strip()))
    low, high = VOTE_OPTIONS
    if not low <= len(labels) <= high:
        errors["options"] = _("请填写 %(a)d 至 %(b)d 个不同的选项，每行一个。") % {"a": low, "b": high}
    elif any(len(label) > 60 for label in labels):
        errors["options"] = _("每个选项最多 60 字。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        vote = QuickVote.objects.create(consultation=consultation, question=question, opened_by=actor)
        QuickVoteOption.objects.bulk_create(
            [QuickVoteOption(vote=vote, label=label, order=n) for n, label in enumerate(labels)]
        )
        audit_record(actor=actor, action="consultations.vote_open", obj=consultation, detail={"question": question})
        _bump(consultation.pk)
    return vote


def vote_close(*, actor: User, vote: QuickVote) -> QuickVote:
    require(actor, "consultations.host_live", vote.consultation, NOT_PERMITTED)
    with transaction.atomic():
        locked = lock(vote)
        if not locked.is_open:
            raise ValidationError(_("这项表决已经结束。"))
        locked.is_open, locked.closed_at = False, timezone.now()
        locked.save(update_fields=["is_open", "closed_at"])
        audit_record(actor=actor, action="consultations.vote_close", obj=vote.consultation)
        _bump(vote.consultation_id)
    vote.is_open, vote.closed_at = locked.is_open, locked.closed_at
    return vote


def vote_cast(*, actor: User, vote: QuickVote, option_id: int) -> QuickBallot:
    """One ballot per person and vote (a unique row): a second one is refused, never counted."""
    require(actor, "consultations.vote_live", vote.consultation, _("请先登录后再参加表决。"))
    option = vote.options.filter(pk=option_id).first() if str(option_id).isdigit() else None
    if option is None:
        raise ValidationError(_("请选择一个选项。"))
    try:
        with transaction.atomic():
            locked = lock(vote)
            if not locked.is_open:
                raise ValidationError(_("这项表决已经结束，不能再投票。"))
            ballot = QuickBallot.objects.create(vote=vote, option=option, user=actor)
            QuickVoteOption.objects.filter(pk=option.pk).update(count=F("count") + 1)
            _bump(vote.consultation_id)
    except IntegrityError:
        raise ValidationError(_("您已经投过票了，每人只能投一次。")) from None
    return ballot
