"""Public-opinion information (社情民意信息): reports, their edited versions, bulletin issues, where each report was
sent up or forwarded, the bureaus' replies, leaders' instructions and adoptions by level.

A report runs through the workflow "opinion_report" (workflows.py); the rows here hold what the pipeline produced,
so the statistics count records, never counters."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xieshang.core.models import OrganizationSettings
from xieshang.workflow.models import WorkflowObject


class Level(models.TextChoices):
    """Where a report went, relative to the sending conference: its own party committee and government (本级),
    or a conference higher up the organization.parent chain."""

    OWN = "own", _("本级党委政府")
    CITY = "city", _("市级政协")
    PROVINCIAL = "provincial", _("省级政协")
    NATIONAL = "national", _("全国政协")


class OpinionSettings(OrganizationSettings):
    """An organization's own limits; without a row the defaults below apply (selectors.settings_for)."""

    organization = models.OneToOneField(
        "accounts.Organization", on_delete=models.CASCADE, related_name="opinion_settings"
    )
    body_max_chars = models.PositiveIntegerField(_("正文字数上限"), default=1500)
    title_max_chars = models.PositiveIntegerField(_("标题字数上限"), default=60)
    attachment_max_mb = models.PositiveSmallIntegerField(_("附件大小上限（MB）"), default=20)
    attachment_max_count = models.PositiveSmallIntegerField(_("附件个数上限"), default=5)
    bulletin_title = models.CharField(_("刊物名称"), max_length=40, default="社情民意")
    special_title = models.CharField(_("专报名称"), max_length=40, default="社情民意专报")

    class Meta:
        verbose_name = _("社情民意设置")
        verbose_name_plural = _("社情民意设置")

    def __str__(self) -> str:
        return str(self.organization)


class Recipient(models.Model):
    """Who receives reports sent up: the organization's own party committee and government offices, and the
    conferences above it. Its inbox is read by the listed accounts and, for a conference, by that conference's
    information staff and leaders."""

    organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("报送方"),
        on_delete=models.CASCADE,
        related_name="opinion_recipients",
    )
    name = models.CharField(_("名称"), max_length=80)
    level = models.CharField(_("层级"), max_length=12, choices=Level.choices)
    target_organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("接收的政协组织"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="opinion_inbox_recipients",
    )
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), blank=True, related_name="opinion_recipients"
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("报送对象")
        verbose_name_plural = _("报送对象")
        ordering = ["organization", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="uniq_opinion_recipient")]

    def __str__(self) -> str:
        return self.name


class BulletinIssue(models.Model):
    class Kind(models.TextChoices):
        REGULAR = "regular", _("社情民意")
        SPECIAL = "special", _("专报")

    class Status(models.TextChoices):
        DRAFT = "draft", _("编排中")
        PUBLISHED = "published", _("已刊发")

    organization = models.ForeignKey(
        "accounts.Organization", verbose_name=_("组织"), on_delete=models.PROTECT, related_name="bulletin_issues"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.REGULAR)
    number = models.PositiveIntegerField(_("期号"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    editor_note = models.CharField(_("编者按"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("编排人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    published_at = models.DateTimeField(_("刊发时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签发人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("刊物期次")
        verbose_name_plural = _("刊物期次")
        ordering = ["-year", "-number", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year", "kind", "number"],
                condition=models.Q(number__isnull=False),
                name="uniq_bulletin_number",
            )
        ]

    def __str__(self) -> str:
        if self.number is None:
            return f"《{self.get_kind_display()}》{_('编排中')}"
        return f"《{self.get_kind_display()}》{self.year}年第{self.number}期"

    def get_absolute_url(self) -> str:
        return reverse("opinions:issue", args=[self.pk])


class Report(WorkflowObject):
    class AuthorKind(models.TextChoices):
        MEMBER = "member", _("委员")
        INFORMANT = "informant", _("特邀信息员")
        PARTY = "party", _("党派团体")
        SECTOR = "sector", _("界别")
        COMMITTEE = "committee", _("专门委员会")

    organization = models.ForeignKey(
        "accounts.Organization", verbose_name=_("组织"), on_delete=models.PROTECT, related_name="opinion_reports"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    seq = models.PositiveIntegerField(_("收稿序号"))
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"))
    urgent = models.BooleanField(_("紧急"), default=False)
    author_kind = models.CharField(_("报送方式"), max_length=12, choices=AuthorKind.choices, default=AuthorKind.MEMBER)
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("报送人"), on_delete=models.PROTECT, related_name="opinion_reports"
    )
    authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("作者"),
        through="ReportAuthor",
        related_name="authored_opinion_reports",
    )
    author_org_name = models.CharField(_("报送单位名称"), max_length=80, blank=True)
    # Snapshots at submission, for statistics by sector and party (a member's profile may change later).
    sector = models.ForeignKey(
        "accounts.Sector", verbose_name=_("界别"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    party = models.CharField(_("党派"), max_length=10, blank=True)
    committee = models.ForeignKey(
        "accounts.SpecialCommittee",
        verbose_name=_("专门委员会"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # A proposal converted to a suggestion (转为意见建议) arrives with a link to itself and its events.
    source_content_type = models.ForeignKey(
        "contenttypes.ContentType", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_object_id = models.BigIntegerField(null=True, blank=True)
    source_label = models.CharField(_("来源"), max_length=200, blank=True)
    source_url = models.CharField(_("来源链接"), max_length=300, blank=True)
    issue = models.ForeignKey(
        BulletinIssue,
        verbose_name=_("刊发期次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
    )
    issue_order = models.PositiveSmallIntegerField(_("期内顺序"), default=0)
    close_reason = models.TextField(_("不予采用理由"), blank=True, help_text=_("报送人可见。"))
    submitted_at = models.DateTimeField(_("收稿时间"), default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(_("编辑完成时间"), null=True, blank=True, db_index=True)
    issued_at = models.DateTimeField(_("刊发时间"), null=True, blank=True, db_index=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    # 批示: the leaders' instructions, in the base's one table (decision 0034); their level is a Level of this app.
    instructions = GenericRelation("instructions.Instruction", related_query_name="report")

    class Meta:
        verbose_name = _("社情民意信息")
        verbose_name_plural = _("社情民意信息")
        ordering = ["-submitted_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["organization", "year", "seq"], name="uniq_report_seq")]
        indexes = [models.Index(fields=["organization", "state"])]

    def __str__(self) -> str:
        return self.title

    @property
    def serial(self) -> str:
        return f"{self.year}-{self.seq:04d}"

    def get_absolute_url(self) -> str:
        return reverse("opinions:detail", args=[self.pk])


class ReportAuthor(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="author_links")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["report", "user"], name="uniq_report_author")]

    def __str__(self) -> str:
        return f"{self.report_id}:{self.user_id}"


class ReportVersion(models.Model):
    """Every text the report had: number 1 is what the author sent, each edit adds one. Authors see them all."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("版本"))
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"))
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("修改人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    editor_name = models.CharField(_("修改人姓名"), max_length=150, blank=True)
    note = models.CharField(_("修改说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("文稿版本")
        verbose_name_plural = _("文稿版本")
        ordering = ["report", "number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="uniq_report_version")]

    def __str__(self) -> str:
        return f"{self.report_id} v{self.number}"


def attachment_path(instance, filename: str) -> str:
    return f"opinions/{timezone.now():%Y/%m}/{filename}"


class Attachment(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("文件"), upload_to=attachment_path)
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小"), default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Dispatch(models.Model):
    """报送: the report went to one recipient."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="dispatches")
    recipient = models.ForeignKey(Recipient, verbose_name=_("报送对象"), on_delete=models.PROTECT, related_name="+")
    level = models.CharField(_("层级"), max_length=12, choices=Level.choices)
    sent_at = models.DateTimeField(_("报送时间"), default=timezone.now, db_index=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("报送记录")
        verbose_name_plural = _("报送记录")
        ordering = ["sent_at", "id"]
        constraints = [models.UniqueConstraint(fields=["report", "recipient"], name="uniq_dispatch")]

    def __str__(self) -> str:
        return f"{self.report_id} → {self.recipient_id}"


class Forward(models.Model):
    """转办: the report went to a bureau, which replies."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="forwards")
    unit = models.ForeignKey(
        "accounts.HandlingUnit", verbose_name=_("承办单位"), on_delete=models.PROTECT, related_name="opinion_forwards"
    )
    forwarded_at = models.DateTimeField(_("转办时间"), default=timezone.now, db_index=True)
    forwarded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(_("转办意见"), max_length=300, blank=True)
    reply = models.TextField(_("办理回复"), blank=True)
    replied_at = models.DateTimeField(_("回复时间"), null=True, blank=True, db_index=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("转办记录")
        verbose_name_plural = _("转办记录")
        ordering = ["forwarded_at", "id"]
        constraints = [models.UniqueConstraint(fields=["report", "unit"], name="uniq_forward")]

    def __str__(self) -> str:
        return f"{self.report_id} → {self.unit_id}"


class Adoption(models.Model):
    """采用 at one level; only at a level the report was sent to (the dispatch names where)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="adoptions")
    level = models.CharField(_("采用层级"), max_length=12, choices=Level.choices)
    dispatch = models.ForeignKey(Dispatch, verbose_name=_("对应报送"), on_delete=models.PROTECT, related_name="+")
    adopted_on = models.DateField(_("采用日期"), db_index=True)
    note = models.CharField(_("采用形式"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("采用记录")
        verbose_name_plural = _("采用记录")
        ordering = ["adopted_on", "id"]
        constraints = [models.UniqueConstraint(fields=["report", "level"], name="uniq_adoption_level")]

    def __str__(self) -> str:
        return f"{self.report} · {self.get_level_display()}"
