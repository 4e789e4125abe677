"""Members' duty activities (履职活动, issue #13): one model for every kind of activity — inspections, research,
supervision, promotion meetings, study, community days, charity, task forces — with kinds as data an organization
edits, the invited members' participation (sign-up, leave, check-in, attendance), and the activity's outputs.

Invariants kept here: one participation per member and activity; one kind key per organization (rows without an
organization are the platform defaults). Decisions (limits, windows, who may do what) live in services/."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ActivityKind(models.Model):
    """A kind of activity and what it uses. Rows without an organization are the platform defaults; an
    organization overrides one by adding its own row with the same key. Points come from the named duty rules
    (duties.DutyRule), which organizations override in the same way, so a credit always names the rule it used."""

    organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("所属组织"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="activity_kinds",
        help_text=_("留空为平台默认类型。"),
    )
    key = models.SlugField(_("类型标识"), max_length=40)
    name = models.CharField(_("名称"), max_length=40)
    order = models.PositiveSmallIntegerField(_("排序"), default=100)
    uses_report = models.BooleanField(_("需提交调研报告"), default=False)
    uses_group = models.BooleanField(_("设督导组/调研组"), default=False)
    uses_donation = models.BooleanField(_("登记捐款捐物"), default=False)
    uses_volunteer = models.BooleanField(_("登记志愿服务时长"), default=False)
    attendance_rule_key = models.SlugField(_("参加积分规则"), max_length=60)
    leader_rule_key = models.SlugField(_("组织/带队积分规则"), max_length=60, blank=True)
    checkin_before_minutes = models.PositiveIntegerField(_("开始前可签到（分钟）"), default=60)
    checkin_after_minutes = models.PositiveIntegerField(_("开始后可签到（分钟）"), default=120)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("活动类型")
        verbose_name_plural = _("活动类型")
        ordering = ["order", "key", "organization_id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "key"], name="uniq_activity_kind_org_key"),
            models.UniqueConstraint(
                fields=["key"], condition=models.Q(organization__isnull=True), name="uniq_default_activity_kind_key"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Activity(models.Model):
    class State(models.TextChoices):
        PLANNED = "planned", _("筹备中")
        OPEN = "open", _("已发布")
        HELD = "held", _("已举行")
        CLOSED = "closed", _("已结束")
        CANCELLED = "cancelled", _("已取消")

    class Organizer(models.TextChoices):
        COMMITTEE = "committee", _("专门委员会")
        SECTOR = "sector", _("界别")
        GENERAL_OFFICE = "general_office", _("办公室")
        DISTRICT = "district", _("县（市、区）政协")
        OTHER = "other", _("其他")

    organization = models.ForeignKey(
        "accounts.Organization", verbose_name=_("组织"), on_delete=models.PROTECT, related_name="activities"
    )
    kind = models.ForeignKey(ActivityKind, verbose_name=_("活动类型"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("活动名称"), max_length=120)
    description = models.TextField(_("活动内容"), blank=True)
    organizer_kind = models.CharField(_("组织方类型"), max_length=20, choices=Organizer.choices)
    organizer_name = models.CharField(_("组织方"), max_length=80)
    place = models.CharField(_("地点"), max_length=120, blank=True)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    signup_limit = models.PositiveIntegerField(_("报名人数上限"), null=True, blank=True, help_text=_("留空为不限。"))
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.PLANNED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("履职活动")
        verbose_name_plural = _("履职活动")
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["organization", "starts_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("activities:detail", args=[self.pk])

    @property
    def occurred_on(self):
        """The activity's date, at which its duty credits are dated."""
        return timezone.localdate(self.starts_at)


class Participation(models.Model):
    """One invited member's part in an activity, from invitation to attendance."""

    class Status(models.TextChoices):
        INVITED = "invited", _("已邀请")
        SIGNED_UP = "signed_up", _("已报名")
        LEAVE_REQUESTED = "leave_requested", _("请假待批")
        LEAVE_APPROVED = "leave_approved", _("已准假")
        LEAVE_REFUSED = "leave_refused", _("未准假")
        ATTENDED = "attended", _("已出席")
        ABSENT = "absent", _("缺席")

    class Part(models.TextChoices):
        MEMBER = "member", _("参加")
        LEADER = "leader", _("组织/带队")

    # Statuses that hold a place against the sign-up limit.
    HOLDS_PLACE = (Status.SIGNED_UP, Status.LEAVE_REQUESTED, Status.LEAVE_REFUSED, Status.ATTENDED)

    activity = models.ForeignKey(
        Activity, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="participations"
    )
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("委员"),
        on_delete=models.PROTECT,
        related_name="activity_participations",
    )
    part = models.CharField(_("角色"), max_length=10, choices=Part.choices, default=Part.MEMBER)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.INVITED)
    invited_at = models.DateTimeField(_("邀请时间"), default=timezone.now)
    signed_up_at = models.DateTimeField(_("报名时间"), null=True, blank=True)
    leave_reason = models.CharField(_("请假理由"), max_length=200, blank=True)
    leave_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    leave_decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("由工作人员登记出勤时填写；扫码签到为空。"),
    )
    donation_money = models.DecimalField(_("捐款（元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    donation_goods = models.DecimalField(_("捐物折价（元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    volunteer_hours = models.DecimalField(_("志愿服务（小时）"), max_digits=6, decimal_places=1, null=True, blank=True)

    class Meta:
        verbose_name = _("参加情况")
        verbose_name_plural = _("参加情况")
        ordering = ["activity_id", "id"]
        constraints = [models.UniqueConstraint(fields=["activity", "member"], name="uniq_participation")]
        indexes = [models.Index(fields=["member", "status"])]

    def __str__(self) -> str:
        return f"{self.activity} · {self.member}"

    def get_absolute_url(self) -> str:
        return self.activity.get_absolute_url()


class ActivityOutput(models.Model):
    class Kind(models.TextChoices):
        REPORT = "report", _("调研报告")
        FINDING = "finding", _("发现的问题")
        RECOMMENDATION = "recommendation", _("意见建议")
        PHOTO = "photo", _("照片")
        LINK = "link", _("关联提案或社情民意信息")

    activity = models.ForeignKey(Activity, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="outputs")
    kind = models.CharField(_("成果类型"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=120)
    text = models.TextField(_("内容"), blank=True)
    addressed_to = models.CharField(
        _("建议对象"), max_length=120, blank=True, help_text=_("意见建议报送或交办的单位、部门。")
    )
    file = models.FileField(_("附件"), upload_to="activities/%Y/%m/", blank=True)
    linked_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    linked_id = models.BigIntegerField(null=True, blank=True)
    linked = GenericForeignKey("linked_type", "linked_id")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(_("添加时间"), default=timezone.now)

    class Meta:
        verbose_name = _("活动成果")
        verbose_name_plural = _("活动成果")
        ordering = ["activity_id", "id"]

    def __str__(self) -> str:
        return self.title
