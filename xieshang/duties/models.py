"""Member duty records (履职档案): one entry per credited act, with the rule version that priced it and a link to its
source; the kinds of duty, the rules and the yearly requirements are data an organization edits.

Other domains credit through services.credit / credit_many; the unique constraint on (member, rule, source) makes
crediting idempotent, so a retried hook or a re-run import never counts an act twice."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from xieshang.core.models import OrganizationSettings

# Rows seeded before versions existed apply from this year on: "always".
FIRST_YEAR = 2000


class Bilingual(models.Model):
    """A name typed by staff in Chinese, with an optional English one shown to users who chose English."""

    class Meta:
        abstract = True

    def localized(self, field: str = "label") -> str:
        english = getattr(self, f"{field}_en", "")
        if english and (get_language() or "").startswith("en"):
            return str(english)
        return str(getattr(self, field))


class DutyKind(Bilingual):
    """A kind of duty (proposal, speech, inspection …) under which the member's page counts entries. Rows without an
    organization are the platform's; an organization adds kinds or renames one by a row with the same key."""

    class Attendance(models.TextChoices):
        NONE = "", _("不计出勤")
        PRESENT = "present", _("出席")
        ABSENT = "absent", _("缺席")

    class Section(models.TextChoices):
        PROPOSALS = "proposals", _("提案工作")
        OPINIONS = "opinions", _("社情民意信息")
        SPEECHES = "speeches", _("会议发言")
        MEETINGS = "meetings", _("参加会议")
        ACTIVITIES = "activities", _("视察调研等活动")
        OTHER = "other", _("其他")

    organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("所属组织"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="duty_kinds",
    )
    key = models.SlugField(_("类型标识"), max_length=24)
    label = models.CharField(_("名称"), max_length=80)
    label_en = models.CharField(_("英文名称"), max_length=80, blank=True)
    attendance = models.CharField(
        _("出勤统计"),
        max_length=8,
        choices=Attendance.choices,
        blank=True,
        default=Attendance.NONE,
        help_text=_("出勤率 = 出席 ÷（出席 + 缺席）。"),
    )
    section = models.CharField(_("述职报告栏目"), max_length=12, choices=Section.choices, default=Section.OTHER)
    order = models.PositiveSmallIntegerField(_("排序"), default=100)

    class Meta:
        verbose_name = _("履职类型")
        verbose_name_plural = _("履职类型")
        ordering = ["order", "key"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "key"], name="uniq_duty_kind_org_key"),
            models.UniqueConstraint(
                fields=["key"], condition=models.Q(organization__isnull=True), name="uniq_default_duty_kind_key"
            ),
        ]

    def __str__(self) -> str:
        return self.localized()


class DutyRule(Bilingual):
    """How many points an act earns, from `year_from` on (until the next version of the same key). Rows without an
    organization are the platform defaults (domain.md); an organization overrides a rule by its own versions of the
    key. Crediting picks the version in force in the year of the act, so a version for 2027 leaves 2026 alone."""

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
    year_from = models.PositiveSmallIntegerField(_("适用起始年度"), default=FIRST_YEAR)
    kind = models.SlugField(_("履职类型"), max_length=24)
    label = models.CharField(_("名称"), max_length=80)
    label_en = models.CharField(_("英文名称"), max_length=80, blank=True)
    points = models.DecimalField(_("分值"), max_digits=6, decimal_places=1)
    cap_per_year = models.DecimalField(
        _("年度上限"), max_digits=7, decimal_places=1, null=True, blank=True, help_text=_("留空为不设上限。")
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("履职积分规则")
        verbose_name_plural = _("履职积分规则")
        ordering = ["key", "organization_id", "year_from"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "key", "year_from"], name="uniq_duty_rule_org_key_year"),
            models.UniqueConstraint(
                fields=["key", "year_from"],
                condition=models.Q(organization__isnull=True),
                name="uniq_default_duty_rule_key_year",
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
    kind = models.SlugField(_("履职类型"), max_length=24)
    rule_key = models.SlugField(_("规则"), max_length=60)
    # The rule version that priced the act (null only for records older than versions).
    rule = models.ForeignKey(
        DutyRule, verbose_name=_("适用规则"), null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
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
            models.Index(fields=["organization", "year", "member"], name="duty_entry_org_year_member"),
            models.Index(fields=["content_type", "object_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.kind} {self.points}"


class DutyTally(models.Model):
    """A member's points and number of entries in one organization and year: the sum of his entries, kept by the
    crediting services (the only writers of entries) in the same transaction, so the ranking reads one row per
    member instead of summing every entry of the year (bench/duties). `duties.services.tallies_rebuild` recomputes
    them from the entries."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("委员"), on_delete=models.CASCADE, related_name="duty_tallies"
    )
    organization = models.ForeignKey(
        "accounts.Organization", verbose_name=_("组织"), on_delete=models.CASCADE, related_name="duty_tallies"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    points = models.DecimalField(_("积分"), max_digits=8, decimal_places=1, default=0)
    entries = models.PositiveIntegerField(_("记录条数"), default=0)

    class Meta:
        verbose_name = _("年度履职合计")
        verbose_name_plural = _("年度履职合计")
        constraints = [
            models.UniqueConstraint(fields=["member", "organization", "year"], name="uniq_duty_tally_member_org_year")
        ]
        indexes = [models.Index(fields=["organization", "year", "points"], name="duty_tally_org_year_points")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.year} {self.points}"


class DutyRequirement(Bilingual):
    """What a member owes in a year (e.g. at least one proposal; attendance at least 80 %). Rows without an
    organization are the platform's; an organization with rows of its own uses only its own."""

    class Measure(models.TextChoices):
        COUNT = "count", _("记录条数")
        POINTS = "points", _("积分")
        ATTENDANCE = "attendance", _("出勤率（%）")

    organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("所属组织"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="duty_requirements",
    )
    label = models.CharField(_("名称"), max_length=80)
    label_en = models.CharField(_("英文名称"), max_length=80, blank=True)
    measure = models.CharField(_("衡量"), max_length=12, choices=Measure.choices, default=Measure.COUNT)
    kinds = models.JSONField(_("计入的履职类型"), default=list, blank=True, help_text=_("留空为全部类型。"))
    minimum = models.DecimalField(_("最低要求"), max_digits=7, decimal_places=1)
    standing_only = models.BooleanField(_("仅对常委"), default=False)
    is_active = models.BooleanField(_("启用"), default=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=100)

    class Meta:
        verbose_name = _("履职要求")
        verbose_name_plural = _("履职要求")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.localized()


class DutySettings(OrganizationSettings):
    """The organization's tier cut-offs (优秀 / 合格 / 基本合格 / 不合格) on the year's points."""

    organization = models.OneToOneField("accounts.Organization", on_delete=models.CASCADE, related_name="duty_settings")
    excellent_min = models.DecimalField(_("优秀（不低于）"), max_digits=7, decimal_places=1, default=90)
    pass_min = models.DecimalField(_("合格（不低于）"), max_digits=7, decimal_places=1, default=60)
    basic_min = models.DecimalField(_("基本合格（不低于）"), max_digits=7, decimal_places=1, default=45)

    class Meta:
        verbose_name = _("履职考核设置")
        verbose_name_plural = _("履职考核设置")


class DutyReport(models.Model):
    """A standing member's annual duty report (常委年度述职报告). The body is the member's text with figure
    placeholders ({count:proposal_lead}, {list:proposals} …) rendered from his duty entries; at submission the
    figures are kept (`figures`), so what staff accept and what is printed is what he submitted."""

    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已提交")
        RETURNED = "returned", _("已退回")
        ACCEPTED = "accepted", _("已通过")

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("常委"), on_delete=models.PROTECT, related_name="duty_reports"
    )
    organization = models.ForeignKey(
        "accounts.Organization", verbose_name=_("组织"), on_delete=models.PROTECT, related_name="duty_reports"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("标题"), max_length=120)
    body = models.TextField(_("正文"))
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.DRAFT)
    figures = models.JSONField(_("提交时的数据"), default=dict, blank=True)
    return_reason = models.CharField(_("退回理由"), max_length=500, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("常委年度述职报告")
        verbose_name_plural = _("常委年度述职报告")
        ordering = ["-year", "member_id"]
        constraints = [
            models.UniqueConstraint(fields=["member", "organization", "year"], name="uniq_duty_report_per_year")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("duties:report", args=[self.pk])
