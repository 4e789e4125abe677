"""Three registers: what the conference reported to the party committee (请示报告), the practical matters done for
residents (办实事) and the visitor groups received at the culture-and-history hall (文史馆参观接待), each row dated by
the day of the matter."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PartyReport(models.Model):
    class Form(models.TextChoices):
        REQUEST = "request", _("请示")
        WRITTEN = "written", _("书面报告")
        MEETING = "meeting", _("会议汇报")

    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="party_reports")
    reported_on = models.DateField(_("报告日期"), db_index=True)
    subject = models.CharField(_("报告事项"), max_length=200)
    form = models.CharField(_("报告方式"), max_length=10, choices=Form.choices, default=Form.WRITTEN)
    reported_to = models.CharField(_("报告对象"), max_length=120, default="中共市委")
    summary = models.TextField(_("主要内容"), blank=True)
    reply = models.TextField(_("批复或答复"), blank=True)
    replied_on = models.DateField(_("答复日期"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("请示报告")
        verbose_name_plural = _("请示报告")
        ordering = ["-reported_on", "-id"]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("registers:party_report", args=[self.pk])


class Matter(models.Model):
    """One practical matter done for residents. A matter that comes from a record (a room topic carried out, a
    studio reception's issue solved, an activity) names it, once: recording it again changes nothing."""

    class Source(models.TextChoices):
        ROOM = "room", _("议事室协商")
        STUDIO = "studio", _("委员工作室")
        ACTIVITY = "activity", _("履职活动")
        PROPOSAL = "proposal", _("提案办理")
        OTHER = "other", _("其他")

    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="matters_done")
    title = models.CharField(_("事项"), max_length=200)
    done_on = models.DateField(_("办结日期"), db_index=True)
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices, default=Source.OTHER)
    place = models.CharField(_("地点或社区"), max_length=80, blank=True)
    note = models.TextField(_("说明"), blank=True)
    source_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    source_id = models.BigIntegerField(null=True, blank=True)
    source_url = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("办实事事项")
        verbose_name_plural = _("为群众办实事台账")
        ordering = ["-done_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_type", "source_id"],
                condition=models.Q(source_id__isnull=False),
                name="uniq_matter_source",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return self.source_url or reverse("registers:matters")


class VisitorGroup(models.Model):
    """One visiting group (批次) received at the conference's culture-and-history hall (文史馆): "省内外到访参观150余
    批次" counts these rows by the day of the visit."""

    class Origin(models.TextChoices):
        LOCAL = "local", _("本市")
        PROVINCE = "province", _("省内")
        ELSEWHERE = "elsewhere", _("省外")

    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="visitor_groups")
    visited_on = models.DateField(_("参观日期"), db_index=True)
    name = models.CharField(_("来访单位或团组"), max_length=120)
    origin = models.CharField(_("来自"), max_length=10, choices=Origin.choices, default=Origin.LOCAL)
    people = models.PositiveIntegerField(_("人数"))
    received_by = models.CharField(_("接待人"), max_length=40, blank=True)
    note = models.TextField(_("说明"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("文史馆参观接待")
        verbose_name_plural = _("文史馆参观接待登记")
        ordering = ["-visited_on", "-id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("registers:visitor_groups")
