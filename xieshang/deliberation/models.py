"""Conversations (意见征集), their statements and votes, and the stored opinion map.

Participants and statements carry a per-conversation ``number``: the id the Polis export format and the math
package use (Polis' pid / tid), so an export and re-import keep the same ids.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xieshang.accounts.models import Organization


class Conversation(models.Model):
    class Moderation(models.TextChoices):
        PRE = "pre", _("先审后发（审核通过后才显示）")
        POST = "post", _("先发后审（立即显示，可事后移除）")

    organization = models.ForeignKey(
        Organization, verbose_name=_("组织"), on_delete=models.CASCADE, related_name="conversations"
    )
    title = models.CharField(_("主题"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    # Community rooms and consultations will own conversations; a generic owner lets them attach without this
    # base app knowing the domain models.
    owner_content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL)
    owner_object_id = models.PositiveBigIntegerField(null=True, blank=True)
    owner = GenericForeignKey("owner_content_type", "owner_object_id")
    is_open = models.BooleanField(_("进行中"), default=True)
    moderation = models.CharField(_("审核方式"), max_length=8, choices=Moderation.choices, default=Moderation.POST)
    allow_anonymous = models.BooleanField(
        _("允许匿名参与"), default=False, help_text=_("开启后，未登录的访客也可以表态和发表观点（不收集个人信息）。")
    )
    participants_can_submit = models.BooleanField(_("参与者可以发表观点"), default=True)
    statement_max_length = models.PositiveSmallIntegerField(_("观点最大字数"), default=140)
    source = models.CharField(_("数据来源"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("意见征集")
        verbose_name_plural = _("意见征集")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "-created_at"]),
            models.Index(fields=["owner_content_type", "owner_object_id"]),
        ]

    def __str__(self) -> str:
        return self.title


class Participant(models.Model):
    """Someone taking part: a user, an anonymous browser (random token from a signed cookie) or an imported id.

    Nothing personal is kept for anonymous participants: the token is random and says nothing about the person."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="participants")
    number = models.PositiveIntegerField(_("编号"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    anonymous_token = models.CharField(max_length=64, blank=True, default="")
    # The external id (Polis' xid) of a participant imported from a Polis export, kept for the export back.
    xid = models.CharField(_("外部编号"), max_length=255, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("参与者")
        verbose_name_plural = _("参与者")
        constraints = [
            models.UniqueConstraint(fields=["conversation", "number"], name="uniq_participant_number"),
            models.UniqueConstraint(
                fields=["conversation", "user"], condition=Q(user__isnull=False), name="uniq_participant_user"
            ),
            models.UniqueConstraint(
                fields=["conversation", "anonymous_token"],
                condition=~Q(anonymous_token=""),
                name="uniq_participant_token",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.number}"


class Statement(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已通过")
        REJECTED = "rejected", _("已移除")

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="statements")
    number = models.PositiveIntegerField(_("编号"))
    # No per-conversation max_length here: imported Polis comments may be longer than our own limit.
    text = models.TextField(_("观点"))
    author = models.ForeignKey(Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    is_seed = models.BooleanField(_("工作人员预设"), default=False)
    # A Polis meta statement (about the conversation itself): shown, but left out of the opinion map's math.
    is_meta = models.BooleanField(_("元观点"), default=False)
    status = models.CharField(_("审核状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    # The blocklist words it contains (moderation app): a caught statement waits for staff even under
    # post-moderation. The reason its author reads when it is removed.
    flagged = models.CharField(_("命中敏感词"), max_length=200, blank=True)
    reason = models.CharField(_("处理理由"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("观点")
        verbose_name_plural = _("观点")
        ordering = ["conversation", "number"]
        constraints = [models.UniqueConstraint(fields=["conversation", "number"], name="uniq_statement_number")]
        indexes = [models.Index(fields=["conversation", "status"])]

    def __str__(self) -> str:
        return self.text[:40]

    def is_visible(self, conversation: Conversation | None = None) -> bool:
        """Shown to participants: approved, or not yet reviewed under post-moderation."""
        conv = conversation or self.conversation
        if self.status == self.Status.APPROVED:
            return True
        return (
            self.status == self.Status.PENDING and not self.flagged and conv.moderation == Conversation.Moderation.POST
        )


def visible_statements_q(conversation: Conversation, prefix: str = "") -> Q:
    shown = Q(**{f"{prefix}status": Statement.Status.APPROVED})
    if conversation.moderation == Conversation.Moderation.POST:
        shown |= Q(**{f"{prefix}status": Statement.Status.PENDING, f"{prefix}flagged": ""})
    return shown


class Vote(models.Model):
    class Value(models.IntegerChoices):
        AGREE = 1, _("赞同")
        DISAGREE = -1, _("反对")
        PASS = 0, _("跳过")

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="votes")
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="votes")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="votes")
    value = models.SmallIntegerField(_("表态"), choices=Value.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("表态")
        verbose_name_plural = _("表态")
        constraints = [
            # Polis keeps the latest vote per participant and statement; so do we, in place.
            models.UniqueConstraint(fields=["statement", "participant"], name="uniq_vote"),
            models.CheckConstraint(condition=Q(value__in=[-1, 0, 1]), name="vote_value_range"),
        ]
        indexes = [models.Index(fields=["conversation", "participant"])]

    def __str__(self) -> str:
        return f"{self.participant_id}→{self.statement_id}: {self.value}"


class OpinionMap(models.Model):
    """The last computed map of a conversation, and the math package's state passed back in next time."""

    conversation = models.OneToOneField(Conversation, on_delete=models.CASCADE, related_name="opinion_map")
    state = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    # When the run that produced `result` started: a slower, older run must not overwrite a newer one.
    source_started_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(default=0)
    n_votes = models.PositiveIntegerField(default=0)
    # At most one recomputation waits per conversation: votes arriving meanwhile join it.
    pending = models.BooleanField(default=False)
    requested_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("意见地图")
        verbose_name_plural = _("意见地图")

    def __str__(self) -> str:
        return str(self.conversation)
