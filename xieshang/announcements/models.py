"""Announcements (通知公告): a text written by the conference's staff to one audience (members, unit officers or
residents, narrowed by committee, sector, district or room). Publishing resolves the audience into one Recipient row
per person, so a later change of roles or profiles does not rewrite who was told; each row keeps when its person
read the announcement."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Announcement(models.Model):
    class Audience(models.TextChoices):
        MEMBERS = "members", pgettext_lazy("audience", "委员")
        UNITS = "units", pgettext_lazy("audience", "承办单位")
        RESIDENTS = "residents", pgettext_lazy("audience", "群众")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")

    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="announcements")
    title = models.CharField(_("标题"), max_length=120)
    body = models.TextField(_("正文"))
    audience = models.CharField(_("发送对象"), max_length=10, choices=Audience.choices, default=Audience.MEMBERS)
    committee = models.ForeignKey(
        "accounts.SpecialCommittee", verbose_name=_("专委会"), null=True, blank=True, on_delete=models.PROTECT
    )
    sector = models.ForeignKey(
        "accounts.Sector", verbose_name=_("界别"), null=True, blank=True, on_delete=models.PROTECT
    )
    district = models.CharField(_("区县"), max_length=40, blank=True)
    room = models.ForeignKey(
        "consultations.Room", verbose_name=_("协商议事室"), null=True, blank=True, on_delete=models.PROTECT
    )
    urgent = models.BooleanField(_("紧急"), default=False)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("最近提醒时间"), null=True, blank=True)
    reminders = models.PositiveSmallIntegerField(_("提醒次数"), default=0)

    class Meta:
        verbose_name = _("通知公告")
        verbose_name_plural = _("通知公告")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "status"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("announcements:detail", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class Recipient(models.Model):
    """One person an announcement was published to, fixed at publishing; read_at is set once, when he opens it."""

    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="recipients")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="announcements_received")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("提醒时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("接收人")
        verbose_name_plural = _("接收人")
        constraints = [models.UniqueConstraint(fields=["announcement", "user"], name="uniq_announcement_recipient")]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.announcement}"
