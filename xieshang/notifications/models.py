import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One message in a user's inbox; email and SMS copies are sent from it by tasks."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    organization_id = models.BigIntegerField(null=True, blank=True)
    kind = models.CharField(_("类别"), max_length=60)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    sms_sent_at = models.DateTimeField(null=True, blank=True)
    # notify(key=…): the same event notified again (a task run twice after its worker died) finds the first copy.
    key = models.CharField(max_length=120, blank=True, default="")

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], condition=~models.Q(key=""), name="uniq_notification_key"
            )
        ]

    def __str__(self) -> str:
        return self.title


class ChannelPreference(models.Model):
    """A user's channels for one kind of notification; the row with kind '' is the user's default."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="channel_preferences")
    kind = models.CharField(max_length=60, blank=True)
    email = models.BooleanField(_("邮件"), default=False)
    sms = models.BooleanField(_("短信"), default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="uniq_channel_pref")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.kind or '*'}"


class SmsMessage(models.Model):
    """Every SMS the platform sends, whatever the gateway: the log gateway's outbox and the real one's record."""

    phone = models.CharField(max_length=20, db_index=True)
    text = models.TextField()
    gateway = models.CharField(max_length=120)
    # the organization whose notice it carries (None for sign-in and registration codes)
    organization_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=20, default="queued")
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # The idempotency key: given to the gateway with every send of this message, so a send repeated by a task that
    # ran again is delivered once; sms_send(key=…) finds an existing message instead of writing a second one.
    key = models.CharField(max_length=120, unique=True, default=uuid.uuid4)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.phone[:3]}****{self.phone[-4:]} {self.status}"


class SmsPrompt(models.Model):
    """An SMS that asks for an answer by reply (e.g. "回复3471报名，回复3472请假"): the code the reply must carry,
    the action that handles it (registered by a domain app, notifications.replies) and the object it concerns."""

    phone = models.CharField(max_length=20, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sms_prompts")
    organization_id = models.BigIntegerField(null=True, blank=True)
    # No database constraint: the SMS log is partitioned on PostgreSQL (decision 0043); retention deletes the prompts.
    message = models.ForeignKey(SmsMessage, on_delete=models.CASCADE, related_name="prompts", db_constraint=False)
    code = models.CharField(_("回复代码"), max_length=6)
    action = models.CharField(max_length=60)
    object_id = models.BigIntegerField()
    options = models.JSONField(default=list)  # the option digits offered, e.g. ["1", "2"]
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    answer = models.CharField(max_length=6, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["phone", "code"], name="sms_prompt_phone_code")]

    def __str__(self) -> str:
        return f"{self.action} #{self.object_id} ({self.code})"


class InboundSms(models.Model):
    """Every SMS a person sent to the platform's number, as the gateway delivered it, with what was made of it and the
    answer sent back. provider_id makes a delivery the provider repeats act once."""

    class Result(models.TextChoices):
        DONE = "done", _("已办理")
        REFUSED = "refused", _("未能办理")
        UNKNOWN = "unknown", _("无法识别")
        EXPIRED = "expired", _("已过期")
        ANSWERED = "answered", _("已回复过")
        LIMITED = "limited", _("超出频次")

    provider_id = models.CharField(max_length=120, unique=True)
    # the organization of the question it answers (None when it answers nothing: shown in the admin only)
    organization_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    phone = models.CharField(max_length=20, db_index=True)
    text = models.CharField(max_length=500)
    received_at = models.DateTimeField(default=timezone.now)
    prompt = models.ForeignKey(SmsPrompt, on_delete=models.SET_NULL, null=True, blank=True, related_name="replies")
    result = models.CharField(max_length=10, choices=Result.choices)
    detail = models.CharField(max_length=300, blank=True)
    answer = models.ForeignKey(
        SmsMessage, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_constraint=False
    )

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.phone[:3]}****{self.phone[-4:]} {self.result}"


class Follow(models.Model):
    """A person follows one object a domain app made followable (notifications.follows registry): a consultation, a
    call, a room, a public proposal, an outcome. What happens to it reaches him in a digest, daily or weekly, in the
    inbox or by e-mail. `last_event_id` is the cursor: the events up to it are already in a digest he got."""

    class Frequency(models.TextChoices):
        DAILY = "daily", _("每日")
        WEEKLY = "weekly", _("每周")

    class Channel(models.TextChoices):
        INAPP = "inapp", _("站内消息")
        EMAIL = "email", _("邮件")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE, related_name="+")
    object_id = models.BigIntegerField()
    organization_id = models.BigIntegerField(null=True, blank=True)
    frequency = models.CharField(_("频率"), max_length=10, choices=Frequency.choices, default=Frequency.DAILY)
    channel = models.CharField(_("方式"), max_length=10, choices=Channel.choices, default=Channel.INAPP)
    created_at = models.DateTimeField(_("关注时间"), default=timezone.now)
    last_event_id = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("关注")
        verbose_name_plural = _("关注")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="follow_target")]
        constraints = [models.UniqueConstraint(fields=["user", "content_type", "object_id"], name="uniq_follow_target")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.content_type_id}:{self.object_id}"


class FollowEvent(models.Model):
    """Something worth a digest happened to a followed object (a state change, a new topic, outcome progress),
    recorded by the domain app's service or hook. The text is kept in every language of the platform, as it was
    worded when it happened. `user` set: for that follower only (a room's new topic past his daily SMS cap)."""

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE, related_name="+")
    object_id = models.BigIntegerField()
    organization_id = models.BigIntegerField(null=True, blank=True)
    kind = models.CharField(max_length=60)
    text = models.JSONField(default=dict)  # language code → text
    url = models.CharField(max_length=300, blank=True)
    actor_id = models.BigIntegerField(null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["content_type", "object_id", "id"], name="follow_event_target")]

    def __str__(self) -> str:
        return f"{self.kind} {self.content_type_id}:{self.object_id}"


class Digest(models.Model):
    """One digest sent to one person for one period and channel ("daily:2026-12-03:inapp"): the unique key that makes
    send_digests idempotent however often it runs. `items` is what it said, in his language."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests")
    period = models.CharField(max_length=40)
    frequency = models.CharField(max_length=10, choices=Follow.Frequency.choices)
    channel = models.CharField(max_length=10, choices=Follow.Channel.choices)
    items = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    # No database constraint: notifications are partitioned on PostgreSQL (decision 0043); retention clears it.
    notification = models.ForeignKey(
        Notification, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_constraint=False
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "period"], name="uniq_digest_period")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.period}"
