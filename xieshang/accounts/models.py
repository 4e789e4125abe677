"""Organizations, people and the roles they hold per organization."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# The neutral label that stands for a person whose data was erased (PIPL deletion), and for the placeholder account
# his topics, entries and questions are reassigned to.
ERASED_LABEL = _("已注销用户")

phone_validator = RegexValidator(r"^1[3-9]\d{9}$", _("请输入 11 位中国大陆手机号码。"))


class Organization(models.Model):
    """A conference (政协组织). Organizations nest: national > provincial > city > district."""

    class Level(models.TextChoices):
        NATIONAL = "national", _("全国")
        PROVINCIAL = "provincial", _("省级")
        CITY = "city", _("市级")
        DISTRICT = "district", _("县区级")

    name = models.CharField(_("名称"), max_length=120)
    short_name = models.CharField(_("简称"), max_length=40)
    code = models.SlugField(_("代码"), max_length=40, unique=True)
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级组织"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    region = models.CharField(_("行政区域"), max_length=80, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("政协组织")
        verbose_name_plural = _("政协组织")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def ancestors(self) -> list[Organization]:
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain


class Partnership(models.Model):
    """An agreement between two organizations, e.g. the five-city cross-region consultation (跨区域协商)."""

    class Kind(models.TextChoices):
        CROSS_REGION = "cross_region", _("跨区域协商")
        TWINNING = "twinning", _("友好协作")

    title = models.CharField(_("名称"), max_length=120)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, default=Kind.CROSS_REGION)
    organizations = models.ManyToManyField(Organization, verbose_name=_("成员组织"), related_name="partnerships")
    since = models.DateField(_("起始日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("合作关系")
        verbose_name_plural = _("合作关系")

    def __str__(self) -> str:
        return self.title


class Sector(models.Model):
    """界别."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="sectors")
    name = models.CharField(_("名称"), max_length=60)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("界别")
        verbose_name_plural = _("界别")
        ordering = ["organization", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="uniq_sector_name")]

    def __str__(self) -> str:
        return self.name


class SpecialCommittee(models.Model):
    """专门委员会."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="committees")
    name = models.CharField(_("名称"), max_length=80)
    short_name = models.CharField(_("简称"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("专门委员会")
        verbose_name_plural = _("专门委员会")
        ordering = ["organization", "id"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="uniq_committee_name")]

    def __str__(self) -> str:
        return self.name


class HandlingUnit(models.Model):
    """承办单位: a bureau or other body that answers proposals and forwarded reports."""

    class Kind(models.TextChoices):
        BUREAU = "bureau", _("政府工作部门")
        DISTRICT = "district", _("县区政府")
        PARTY = "party", _("党委部门")
        COURT = "court", _("司法机关")
        ENTERPRISE = "enterprise", _("企事业单位")
        OTHER = "other", _("其他")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="handling_units")
    name = models.CharField(_("名称"), max_length=80)
    short_name = models.CharField(_("简称"), max_length=40, blank=True)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices, default=Kind.BUREAU)
    keywords = models.TextField(_("职责关键词"), blank=True, help_text=_("以空格或逗号分隔，用于承办单位建议。"))
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("承办单位")
        verbose_name_plural = _("承办单位")
        ordering = ["organization", "name"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="uniq_unit_name")]

    def __str__(self) -> str:
        return self.name


class Community(models.Model):
    """A town (街道/乡镇) or community (社区/村): where residents live and community rooms sit."""

    class Kind(models.TextChoices):
        TOWN = "town", _("街道/乡镇")
        COMMUNITY = "community", _("社区/村")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="communities")
    name = models.CharField(_("名称"), max_length=80)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices, default=Kind.COMMUNITY)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    district = models.CharField(_("所在区县"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("街道社区")
        verbose_name_plural = _("街道社区")
        ordering = ["organization", "district", "name"]

    def __str__(self) -> str:
        return f"{self.district}{self.name}" if self.district else self.name


class User(AbstractUser):
    """One account per person; roles are held per organization (RoleGrant)."""

    name = models.CharField(_("姓名"), max_length=40, blank=True)
    phone = models.CharField(
        _("手机号码"), max_length=11, unique=True, null=True, blank=True, validators=[phone_validator]
    )
    must_change_password = models.BooleanField(_("须修改初始密码"), default=False)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    failed_logins = models.PositiveSmallIntegerField(_("连续登录失败次数"), default=0)
    locked_until = models.DateTimeField(_("锁定至"), null=True, blank=True)
    care_mode = models.BooleanField(_("关怀模式"), default=False)
    language = models.CharField(_("界面语言"), max_length=10, blank=True, choices=settings.LANGUAGES)
    # Set when the person's data was erased at his request (accounts.personal_data), and on each organization's
    # "已注销用户" placeholder account: the account then shows the neutral label in every language.
    erased_at = models.DateTimeField(_("注销时间"), null=True, blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        if self.erased_at is not None:
            return str(ERASED_LABEL)
        return self.name or self.username

    @property
    def display_name(self) -> str:
        if self.erased_at is not None:
            return str(ERASED_LABEL)
        return self.name or self.get_full_name() or self.username

    def is_locked(self, now=None) -> bool:
        return bool(self.locked_until and self.locked_until > (now or timezone.now()))


class Role(models.TextChoices):
    MEMBER = "member", _("委员")
    STANDING_MEMBER = "standing_member", _("常委")
    PROPOSALS_STAFF = "proposals_staff", _("提案工作人员")
    INFORMATION_STAFF = "information_staff", _("社情民意工作人员")
    COMMITTEE_STAFF = "committee_staff", _("专委会工作人员")
    UNIT_OFFICER = "unit_officer", _("承办单位经办人")
    SUPERVISOR = "supervisor", _("督办人员")
    LEADER = "leader", _("领导")
    INFORMANT = "informant", _("特邀信息员")
    CITIZEN = "citizen", _("群众")
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDIT_ADMIN = "audit_admin", _("审计管理员")


STAFF_ROLES = frozenset(
    {
        Role.PROPOSALS_STAFF,
        Role.INFORMATION_STAFF,
        Role.COMMITTEE_STAFF,
        Role.SUPERVISOR,
        Role.UNIT_OFFICER,
        Role.LEADER,
        Role.SYSTEM_ADMIN,
        Role.SECURITY_ADMIN,
        Role.AUDIT_ADMIN,
    }
)
ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})


class RoleGrant(models.Model):
    """A role a user holds in one organization; unit officers name their unit, committee staff their committee."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_grants")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(_("角色"), max_length=24, choices=Role.choices)
    handling_unit = models.ForeignKey(HandlingUnit, null=True, blank=True, on_delete=models.CASCADE)
    committee = models.ForeignKey(SpecialCommittee, null=True, blank=True, on_delete=models.CASCADE)
    granted_at = models.DateTimeField(_("授予时间"), default=timezone.now)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization", "role", "handling_unit", "committee"], name="uniq_role_grant"
            ),
            models.UniqueConstraint(
                fields=["user", "organization", "role"],
                condition=models.Q(handling_unit__isnull=True, committee__isnull=True),
                name="uniq_plain_role_grant",
            ),
        ]
        indexes = [models.Index(fields=["organization", "role"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.organization.short_name} · {self.get_role_display()}"

    def clean(self):
        super().clean()
        if self.user_id and self.role in ADMIN_ROLES:
            held = (
                RoleGrant.objects.filter(user_id=self.user_id, role__in=ADMIN_ROLES)
                .exclude(role=self.role)
                .exclude(pk=self.pk)
                .values_list("role", flat=True)
                .first()
            )
            if held:
                raise ValidationError({"role": separation_message(self.role, held)})


def separation_message(role: str, held: str) -> str:
    """三员分立: why one account cannot hold two of the three administrator duties."""
    return _(
        "三员分立：该账户已是%(held)s，不能再授予%(role)s。系统管理员、安全管理员和审计管理员须由不同的账户担任。"
    ) % {"held": Role(held).label, "role": Role(role).label}


class MemberProfile(models.Model):
    """A member's (委员) standing in one organization. Party identity is sensitive (shared/domain.md)."""

    class Party(models.TextChoices):
        CPC = "cpc", _("中共")
        RCCK = "rcck", _("民革")
        CDL = "cdl", _("民盟")
        CNDCA = "cndca", _("民建")
        CAPD = "capd", _("民进")
        CPWDP = "cpwdp", _("农工党")
        CZGP = "czgp", _("致公党")
        JS = "js", _("九三学社")
        TDSGL = "tdsgl", _("台盟")
        NONE = "none", _("无党派人士")
        MASSES = "masses", pgettext_lazy("political status", "群众")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="member_profiles")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="member_profiles")
    term = models.CharField(_("届次"), max_length=20)
    sector = models.ForeignKey(Sector, verbose_name=_("界别"), null=True, blank=True, on_delete=models.SET_NULL)
    party = models.CharField(_("党派"), max_length=10, choices=Party.choices, blank=True)
    committees = models.ManyToManyField(SpecialCommittee, verbose_name=_("所在专委会"), blank=True)
    is_standing = models.BooleanField(_("常委"), default=False)
    district = models.CharField(_("所在区县"), max_length=40, blank=True)
    workplace = models.CharField(_("工作单位及职务"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("委员档案")
        verbose_name_plural = _("委员档案")
        constraints = [models.UniqueConstraint(fields=["user", "organization"], name="uniq_member_profile")]

    def __str__(self) -> str:
        return f"{self.user} ({self.term})"


class ResidentProfile(models.Model):
    """The minimum kept about a resident (群众): community and the consent given at registration."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="resident_profile")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="residents")
    community = models.ForeignKey(Community, null=True, blank=True, on_delete=models.SET_NULL)
    consent_version = models.CharField(_("同意的隐私告知版本"), max_length=20)
    consent_at = models.DateTimeField(_("同意时间"))

    class Meta:
        verbose_name = _("群众档案")
        verbose_name_plural = _("群众档案")

    def __str__(self) -> str:
        return f"{self.user} · {self.community or self.organization}"


class SmsCode(models.Model):
    """A one-time code sent by SMS (registration, phone login). Only its hash is kept."""

    phone = models.CharField(max_length=11, db_index=True)
    purpose = models.CharField(max_length=20)
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["phone", "purpose", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.purpose}:{self.phone[:3]}****{self.phone[-4:]}"


class SecurityPolicy(models.Model):
    """The one editable row of security numbers; defaults come from settings.XIESHANG_SECURITY_DEFAULTS."""

    lockout_threshold = models.PositiveSmallIntegerField(_("锁定前允许失败次数"), default=5)
    lockout_minutes = models.PositiveSmallIntegerField(_("锁定时长（分钟）"), default=30)
    idle_timeout_minutes = models.PositiveSmallIntegerField(_("空闲超时（分钟）"), default=30)
    password_max_age_days = models.PositiveSmallIntegerField(_("密码有效期（天，0 为不限）"), default=90)
    staff_second_factor = models.BooleanField(_("工作人员须第二因素认证"), default=True)
    audit_retention_days = models.PositiveSmallIntegerField(_("审计日志保存天数"), default=183)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("安全策略")
        verbose_name_plural = _("安全策略")

    def __str__(self) -> str:
        return str(_("安全策略"))


class LoginThrottle(models.Model):
    """Failed sign-ins counted under one key: an account (or an unknown name, so that both answer alike), a client
    address, or the pair of them. Attempts are reserved under a row lock before the password is checked, so parallel
    guesses cannot pass the threshold (accounts.services.login_attempt)."""

    key = models.CharField(max_length=200, unique=True)
    failures = models.PositiveIntegerField(default=0)
    first_failure_at = models.DateTimeField(null=True, blank=True)
    blocked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("登录失败计数")
        verbose_name_plural = _("登录失败计数")

    def __str__(self) -> str:
        return f"{self.key}: {self.failures}"


class DataRequest(models.Model):
    """A person's request to have his personal data erased (PIPL art. 47). The security administrator of his
    organization carries it out from the workbench (decision 0032); until then the request waits in that queue,
    with the date by which it is due."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待处理")
        DONE = "done", _("已完成")
        WITHDRAWN = "withdrawn", _("已撤回")
        REFUSED = "refused", _("未予办理")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="data_requests")
    # The account stays (erased, inactive) after the request is carried out, so the request keeps pointing to it.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="data_requests")
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    due_at = models.DateTimeField(_("处理期限"))
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Why the security administrator refused the request (a legal hold, an open matter): told to the requester.
    reason = models.TextField(_("不予办理的理由"), blank=True)
    # How many rows each source changed (source key → count): what the erasure did, without the erased values.
    changes = models.JSONField(_("处理结果"), default=dict, blank=True)

    class Meta:
        verbose_name = _("个人信息删除申请")
        verbose_name_plural = _("个人信息删除申请")
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(status="pending"), name="uniq_pending_data_request"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_status_display()}"
