"""Member duty records (履职档案): one entry per credited act, with the rule that priced it and a link to its source.

Other domains credit through services.duty_credit; the unique constraint on (member, rule, source) makes crediting
idempotent, so a retried hook or a re-run demo never counts an act twice."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DutyKind(models.TextChoices):
    PROPOSAL_LEAD = "proposal_lead", _("领衔提案")
    PROPOSAL_COSIGN = "proposal_cosign", _("联名提案")
    PROPOSAL_FILED = "proposal_filed", _("提案立案")
    PROPOSAL_KEY = "proposal_key", _("重点提案")
    PROPOSAL_EXCELLENT = "proposal_excellent", _("优秀提案")
    OPINION_REPORT = "opinion_report", _("报送社情民意信息")
    OPINION_ADOPTED = "opinion_adopted", _("社情民意信息被采用")
    INSTRUCTION = "instruction", _("获领导批示")
    ATTENDANCE = "attendance", _("参加会议")
    ABSENCE = "absence", _("无故缺席")
    SPEECH = "speech", _("大会发言")
    INSPECTION = "inspection", _("视察调研")
    TRAINING = "training", _("学习培训")
    COMMUNITY = "community", _("协商议事活动")
    VOLUNTEER = "volunteer", _("捐赠与志愿服务")
    OTHER = "other", _("其他")


class DutyRule(models.Model):
    """How many points an act earns. Rows without an organization are the platform defaults (domain.md); an
    organization overrides a rule by adding its own row with the same key."""

    organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("所属组织"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="duty_rules",
        help_text=_("留空为平台默认规则。"),
    )
    key = models.SlugField(_("规则标识"), max_length=60)
    kind = models.CharField(_("履职类型"), max_length=24, choices=DutyKind.choices)
    label = models.CharField(_("名称"), max_length=80)
    points = models.DecimalField(_("分值"), max_digits=6, decimal_places=1)
    cap_per_year = models.DecimalField(
        _("年度上限"), max_digits=7, decimal_places=1, null=True, blank=True, help_text=_("留空为不设上限。")
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("履职积分规则")
        verbose_name_plural = _("履职积分规则")
        ordering = ["key", "organization_id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "key"], name="uniq_duty_rule_org_key"),
            models.UniqueConstraint(
                fields=["key"], condition=models.Q(organization__isnull=True), name="uniq_default_duty_rule_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label}（{self.points}）"


class DutyEntry(models.Model):
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("委员"), on_delete=models.PROTECT, related_name="duty_entries"
    )
    organization = models.ForeignKey(
        "accounts.Organization", verbose_name=_("组织"), on_delete=models.PROTECT, related_name="duty_entries"
    )
    term = models.CharField(_("届次"), max_length=20, blank=True)
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    kind = models.CharField(_("履职类型"), max_length=24, choices=DutyKind.choices)
    rule_key = models.SlugField(_("规则"), max_length=60)
    points = models.DecimalField(_("积分"), max_digits=6, decimal_places=1)
    # The rule's points before a yearly cap cut them, so the record shows why an entry earned less.
    rule_points = models.DecimalField(_("规则分值"), max_digits=6, decimal_places=1)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.BigIntegerField(_("来源编号"))
    source = GenericForeignKey("content_type", "object_id")
    # Kept as text so the record stays readable if the source is renamed or its app changes.
    source_label = models.CharField(_("来源"), max_length=200)
    source_url = models.CharField(_("来源链接"), max_length=300, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    occurred_on = models.DateField(_("日期"))
    created_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    class Meta:
        verbose_name = _("履职记录")
        verbose_name_plural = _("履职记录")
        ordering = ["-occurred_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "rule_key", "content_type", "object_id"], name="uniq_duty_entry_per_source"
            )
        ]
        indexes = [
            models.Index(fields=["member", "organization", "year"]),
            models.Index(fields=["content_type", "object_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.get_kind_display()} {self.points}"
