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

from xieshang.core.names import named


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
    uses_visits = models.BooleanField(
        _("记录走访（视察、调研、督导）"), default=False, help_text=_("走访的意见建议交责任单位跟踪落实。")
    )
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
        return str(named(self.name))


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
    # What the member rallied others to give (his company, his sector, his contacts), beside what he gave himself.
    donation_mobilised = models.DecimalField(
        _("动员社会捐赠（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )

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


class Expert(models.Model):
    """An expert of the organization's pool (专家库), on whom task forces and research groups draw."""

    organization = models.ForeignKey(
        "accounts.Organization", verbose_name=_("组织"), on_delete=models.CASCADE, related_name="activity_experts"
    )
    name = models.CharField(_("姓名"), max_length=40)
    field = models.CharField(_("专业领域"), max_length=80)
    title = models.CharField(_("职称职务"), max_length=80, blank=True)
    unit = models.CharField(_("工作单位"), max_length=120, blank=True)
    is_active = models.BooleanField(_("在库"), default=True)

    class Meta:
        verbose_name = _("专家")
        verbose_name_plural = _("专家库")
        ordering = ["organization_id", "field", "name", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.field}）"


class ActivityGroup(models.Model):
    """A group working inside an activity: a supervision group (督导组) or survey group (调研组) with its leader and
    members, or a task force's research group (专班研究组), which also has experts from the pool and a plan."""

    activity = models.ForeignKey(Activity, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("组名"), max_length=80)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("组长"), on_delete=models.PROTECT, related_name="+"
    )
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("成员"), blank=True, related_name="+")
    experts = models.ManyToManyField(Expert, verbose_name=_("专家"), blank=True, related_name="groups")
    plan = models.TextField(_("工作计划"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("工作组")
        verbose_name_plural = _("工作组")
        ordering = ["activity_id", "id"]
        constraints = [models.UniqueConstraint(fields=["activity", "name"], name="uniq_activity_group_name")]

    def __str__(self) -> str:
        return self.name


class Visit(models.Model):
    """One supervision or survey visit (督导、视察、调研): where, when, who led it and what was found. What was
    recommended, and to whom, is tracked as consultation outcomes whose origin is the visit."""

    activity = models.ForeignKey(Activity, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="visits")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey(
        ActivityGroup, verbose_name=_("工作组"), null=True, blank=True, on_delete=models.PROTECT, related_name="visits"
    )
    place = models.CharField(_("走访地点"), max_length=120)
    visited_at = models.DateTimeField(_("走访时间"))
    led_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("带队"), on_delete=models.PROTECT, related_name="+"
    )
    findings = models.TextField(_("发现的问题"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        ordering = ["-visited_at", "-id"]
        indexes = [models.Index(fields=["activity", "visited_at"])]

    def __str__(self) -> str:
        return f"{self.place} · {timezone.localtime(self.visited_at):%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("activities:visit", args=[self.pk])


class Studio(models.Model):
    """A members' studio (委员工作室): a place in a community where members on duty receive residents."""

    organization = models.ForeignKey(
        "accounts.Organization", verbose_name=_("组织"), on_delete=models.CASCADE, related_name="studios"
    )
    name = models.CharField(_("工作室名称"), max_length=80)
    place = models.CharField(_("地址"), max_length=120)
    description = models.TextField(_("简介"), blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("入驻委员"), blank=True, related_name="studios"
    )
    is_active = models.BooleanField(_("开放"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("委员工作室")
        verbose_name_plural = _("委员工作室")
        ordering = ["organization_id", "name", "id"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="uniq_studio_name")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("activities:studio", args=[self.pk])


class Reception(models.Model):
    """A reception day (接待日) of a studio. It is an activity of the studio kind, so the members on duty are its
    invited participants and are credited for it as for any activity; residents book its slots."""

    activity = models.OneToOneField(
        Activity, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="reception"
    )
    studio = models.ForeignKey(Studio, verbose_name=_("工作室"), on_delete=models.PROTECT, related_name="receptions")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="+")
    slot_minutes = models.PositiveSmallIntegerField(_("每时段（分钟）"), default=30)
    per_slot = models.PositiveSmallIntegerField(_("每时段接待人数"), default=2)

    class Meta:
        verbose_name = _("接待日")
        verbose_name_plural = _("接待日")
        ordering = ["-activity__starts_at", "-id"]

    def __str__(self) -> str:
        return f"{self.studio} · {timezone.localtime(self.activity.starts_at):%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("activities:reception", args=[self.pk])


class Booking(models.Model):
    """A resident's booked slot on a reception day, with what he wants to raise."""

    class Status(models.TextChoices):
        BOOKED = "booked", _("已预约")
        CANCELLED = "cancelled", _("已取消")

    reception = models.ForeignKey(
        Reception, verbose_name=_("接待日"), on_delete=models.CASCADE, related_name="bookings"
    )
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="+")
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("居民"), on_delete=models.PROTECT, related_name="studio_bookings"
    )
    slot_at = models.DateTimeField(_("预约时段"))
    subject = models.CharField(_("反映事项"), max_length=200)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.BOOKED)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("接待预约")
        verbose_name_plural = _("接待预约")
        ordering = ["reception_id", "slot_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["reception", "resident"], condition=models.Q(status="booked"), name="uniq_booking_resident"
            )
        ]

    def __str__(self) -> str:
        return f"{self.resident} · {timezone.localtime(self.slot_at):%H:%M}"


class ReceptionIssue(models.Model):
    """An issue a resident raised at a reception. A member may turn it into a room topic, an opinion report or a
    proposal draft; `linked` is the record created."""

    reception = models.ForeignKey(Reception, verbose_name=_("接待日"), on_delete=models.CASCADE, related_name="issues")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="+")
    booking = models.ForeignKey(
        Booking, verbose_name=_("预约"), null=True, blank=True, on_delete=models.SET_NULL, related_name="issues"
    )
    title = models.CharField(_("问题"), max_length=80)
    text = models.TextField(_("具体情况"), blank=True)
    raised_by = models.CharField(_("反映人"), max_length=40, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    linked_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    linked_id = models.BigIntegerField(null=True, blank=True)
    linked = GenericForeignKey("linked_type", "linked_id")
    turned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("接待反映问题")
        verbose_name_plural = _("接待反映问题")
        ordering = ["reception_id", "id"]

    def __str__(self) -> str:
        return self.title
