"""A consultation opened to the public while it is held (网上网下联起来, issue #16): the stage (video, meeting
state, the version the live stream watches), residents' questions moderated into the host's queue, the participants'
speakers' queue, and quick votes.

Every change to any of these bumps `LiveStage.version` in the same transaction: the live stream (live_stream.py)
watches that one number per consultation, so a process learns of a change with one cheap query (or a Redis message)
and renders the new state once for all its viewers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LiveStage(models.Model):
    class State(models.TextChoices):
        WAITING = "waiting", _("尚未开始")
        LIVE = "live", _("直播中")
        CLOSED = "closed", _("已结束")

    class VideoMode(models.TextChoices):
        LINK = "link", _("链接")
        VIDEO = "video", _("视频播放器（video）")
        FRAME = "frame", _("嵌入页面（iframe）")

    consultation = models.OneToOneField(
        "consultations.Consultation", on_delete=models.CASCADE, related_name="live_stage"
    )
    is_public = models.BooleanField(_("向公众直播"), default=False)
    video_url = models.URLField(_("直播地址"), blank=True)
    video_mode = models.CharField(_("播放方式"), max_length=8, choices=VideoMode.choices, default=VideoMode.LINK)
    replay_url = models.URLField(_("回放地址"), blank=True)
    speaker_seconds = models.PositiveIntegerField(_("每人发言时长（秒）"), default=180)
    state = models.CharField(_("直播状态"), max_length=8, choices=State.choices, default=State.WAITING)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    # Bumped by every change of the live state (services.live._bump): what the stream watches.
    version = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("公众直播")
        verbose_name_plural = _("公众直播")

    def __str__(self) -> str:
        return str(self.consultation)


class LiveQuestion(models.Model):
    """A question a signed-in resident sends from the public live page. Its moderation state (status, reason,
    moderated_by, moderated_at) is the shape a common moderation queue can register; an approved question joins the
    host's queue (stage queued → answering → answered, ordered by position)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已通过")
        REJECTED = "rejected", _("未通过")

    class Stage(models.TextChoices):
        QUEUED = "queued", _("排队中")
        ANSWERING = "answering", _("正在回答")
        ANSWERED = "answered", _("已回答")

    consultation = models.ForeignKey(
        "consultations.Consultation", on_delete=models.CASCADE, related_name="live_questions"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("问题"))
    status = models.CharField(_("审核状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    flagged = models.CharField(_("命中敏感词"), max_length=200, blank=True)
    reason = models.CharField(_("处理理由"), max_length=300, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    stage = models.CharField(_("回答进度"), max_length=10, choices=Stage.choices, default=Stage.QUEUED)
    position = models.PositiveIntegerField(default=0)
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("直播提问")
        verbose_name_plural = _("直播提问")
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["consultation", "status"])]

    def __str__(self) -> str:
        return self.text[:30]


class SpeakRequest(models.Model):
    """A participant asks for the floor; the host orders the queue, gives the floor (the countdown starts) and ends
    the turn."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("等候发言")
        SPEAKING = "speaking", _("正在发言")
        DONE = "done", _("发言结束")
        WITHDRAWN = "withdrawn", _("已撤回")

    consultation = models.ForeignKey(
        "consultations.Consultation", on_delete=models.CASCADE, related_name="speak_requests"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.WAITING)
    position = models.PositiveIntegerField(default=0)
    seconds = models.PositiveIntegerField(_("发言时长（秒）"), default=180)
    floor_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("申请发言")
        verbose_name_plural = _("申请发言")
        ordering = ["position", "id"]
        constraints = [
            # One open request per person: asking again while waiting or speaking adds nothing.
            models.UniqueConstraint(
                fields=["consultation", "user"],
                condition=models.Q(status__in=["waiting", "speaking"]),
                name="uniq_open_speak_request",
            )
        ]

    def __str__(self) -> str:
        return f"{self.consultation} · {self.user}"


class QuickVote(models.Model):
    consultation = models.ForeignKey("consultations.Consultation", on_delete=models.CASCADE, related_name="quick_votes")
    question = models.CharField(_("表决事项"), max_length=200)
    is_open = models.BooleanField(default=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("现场表决")
        verbose_name_plural = _("现场表决")
        ordering = ["-opened_at", "-id"]

    def __str__(self) -> str:
        return self.question


class QuickVoteOption(models.Model):
    vote = models.ForeignKey(QuickVote, on_delete=models.CASCADE, related_name="options")
    label = models.CharField(_("选项"), max_length=60)
    order = models.PositiveSmallIntegerField(default=0)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.label


class QuickBallot(models.Model):
    vote = models.ForeignKey(QuickVote, on_delete=models.CASCADE, related_name="ballots")
    option = models.ForeignKey(QuickVoteOption, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["vote", "user"], name="uniq_quick_ballot")]

    def __str__(self) -> str:
        return f"{self.vote} · {self.user}"
