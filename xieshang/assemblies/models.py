"""Plenary sessions (全体会议) and standing-committee meetings (常委会议), issue #13: the meeting with its term and
number, its agenda and documents, the members invited (every member for a plenary session, the standing members for a
standing meeting) and their attendance (QR check-in, leave requests, absence recorded at the close), the speeches
members submit (大会发言) and the counts of the votes taken (the record of a show of hands or a tallied ballot, not
an online election).

Invariants kept here: one session per (organization, kind, term, number); one attendance row per member and session;
one candidate name per election. Decisions (windows, who may do what, what a count may be) live in services/."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Session(models.Model):
    class Kind(models.TextChoices):
        PLENARY = "plenary", _("全体会议")
        STANDING = "standing", _("常委会议")

    class State(models.TextChoices):
        PLANNED = "planned", _("筹备中")
        OPEN = "open", _("已发通知")
        CLOSED = "closed", _("已闭会")

    organization = models.ForeignKey(
        "accounts.Organization", verbose_name=_("组织"), on_delete=models.PROTECT, related_name="assemblies"
    )
    kind = models.CharField(_("会议类型"), max_length=10, choices=Kind.choices)
    term = models.PositiveSmallIntegerField(_("届次"), help_text=_("如第十四届填 14。"))
    number = models.PositiveSmallIntegerField(_("会次"), help_text=_("如五次会议填 5。"))
    title = models.CharField(_("会议名称"), max_length=120)
    place = models.CharField(_("地点"), max_length=120, blank=True)
    starts_at = models.DateTimeField(_("开幕时间"))
    ends_at = models.DateTimeField(_("闭幕时间"))
    proposals_from = models.DateField(_("提案征集开始"), null=True, blank=True)
    proposals_until = models.DateField(_("提案征集截止"), null=True, blank=True)
    checkin_before_minutes = models.PositiveIntegerField(_("开幕前可签到（分钟）"), default=60)
    checkin_after_minutes = models.PositiveIntegerField(_("开幕后可签到（分钟）"), default=120)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.PLANNED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    closed_at = models.DateTimeField(_("闭会时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("会议")
        verbose_name_plural = _("会议")
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "kind", "term", "number"], name="uniq_assembly_number")
        ]
        indexes = [models.Index(fields=["organization", "state", "proposals_from"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("assemblies:detail", args=[self.pk])

    @property
    def occurred_on(self) -> date:
        """The meeting's date (its opening day), at which its duty credits are dated."""
        return timezone.localdate(self.starts_at)


class AgendaItem(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="agenda")
    order = models.PositiveSmallIntegerField(_("序号"))
    title = models.CharField(_("议程"), max_length=200)
    presenter = models.CharField(_("报告人/主持人"), max_length=80, blank=True)
    scheduled_at = models.DateTimeField(_("时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("议程")
        verbose_name_plural = _("议程")
        ordering = ["session_id", "order", "id"]

    def __str__(self) -> str:
        return self.title


def document_path(instance: Document, filename: str) -> str:
    return f"assemblies/documents/{timezone.now():%Y}/{filename}"


class Document(models.Model):
    """A meeting document (会议文件: reports, draft resolutions, lists of candidates), stored as consultations
    store their materials: under a name of ours, the original file name kept for the download."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="documents")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("文件名称"), max_length=120)
    file = models.FileField(_("文件"), upload_to=document_path)
    filename = models.CharField(_("原文件名"), max_length=200)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("会议文件")
        verbose_name_plural = _("会议文件")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    """One invited member's attendance, from invitation to attended, excused or absent."""

    class Status(models.TextChoices):
        INVITED = "invited", _("待出席")
        LEAVE_REQUESTED = "leave_requested", _("请假待批")
        LEAVE_APPROVED = "leave_approved", _("已准假")
        LEAVE_REFUSED = "leave_refused", _("未准假")
        ATTENDED = "attended", _("已出席")
        ABSENT = "absent", _("缺席")

    session = models.ForeignKey(Session, verbose_name=_("会议"), on_delete=models.CASCADE, related_name="attendances")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("委员"), on_delete=models.PROTECT, related_name="assembly_attendances"
    )
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.INVITED)
    invited_at = models.DateTimeField(_("邀请时间"), default=timezone.now)
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

    class Meta:
        verbose_name = _("出勤")
        verbose_name_plural = _("出勤")
        ordering = ["session_id", "id"]
        constraints = [models.UniqueConstraint(fields=["session", "member"], name="uniq_assembly_attendance")]
        indexes = [models.Index(fields=["member", "status"])]

    def __str__(self) -> str:
        return f"{self.session} · {self.member}"

    def get_absolute_url(self) -> str:
        return self.session.get_absolute_url()


class Speech(models.Model):
    """大会发言: a written speech a member submits; staff select some for oral delivery; a selected one is delivered."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("书面发言")
        SELECTED = "selected", _("安排口头发言")
        DELIVERED = "delivered", _("已口头发言")

    session = models.ForeignKey(Session, verbose_name=_("会议"), on_delete=models.CASCADE, related_name="speeches")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发言委员"), on_delete=models.PROTECT, related_name="assembly_speeches"
    )
    title = models.CharField(_("发言题目"), max_length=120)
    text = models.TextField(_("发言稿"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    selected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    selected_at = models.DateTimeField(_("遴选时间"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("发言时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("大会发言")
        verbose_name_plural = _("大会发言")
        ordering = ["session_id", "submitted_at", "id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return self.session.get_absolute_url()


class Vote(models.Model):
    """The record of a vote: a resolution's for/against/abstain counts, or an election's ballots per candidate."""

    class Kind(models.TextChoices):
        RESOLUTION = "resolution", _("决议表决")
        ELECTION = "election", _("选举")

    class Method(models.TextChoices):
        HANDS = "hands", _("举手表决")
        BALLOT = "ballot", _("无记名投票")

    session = models.ForeignKey(Session, verbose_name=_("会议"), on_delete=models.CASCADE, related_name="votes")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("表决类型"), max_length=12, choices=Kind.choices)
    method = models.CharField(_("表决方式"), max_length=8, choices=Method.choices)
    title = models.CharField(_("表决事项"), max_length=200)
    members = models.PositiveIntegerField(_("应到人数"), help_text=_("本次会议应出席的委员（常委）人数。"))
    present = models.PositiveIntegerField(_("实到人数"))
    votes_for = models.PositiveIntegerField(_("赞成"), null=True, blank=True)
    votes_against = models.PositiveIntegerField(_("反对"), null=True, blank=True)
    abstentions = models.PositiveIntegerField(_("弃权"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    class Meta:
        verbose_name = _("表决")
        verbose_name_plural = _("表决")
        ordering = ["session_id", "recorded_at", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def needed(self) -> int:
        """Votes needed to pass or be elected: more than half of all the session's members (全体委员过半数)."""
        return self.members // 2 + 1

    @property
    def passed(self) -> bool:
        return (self.votes_for or 0) >= self.needed


class Candidate(models.Model):
    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="candidates")
    name = models.CharField(_("候选人"), max_length=40)
    votes = models.PositiveIntegerField(_("得票"))
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("候选人得票")
        verbose_name_plural = _("候选人得票")
        ordering = ["vote_id", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["vote", "name"], name="uniq_assembly_candidate")]

    def __str__(self) -> str:
        return self.name

    @property
    def elected(self) -> bool:
        return self.votes >= self.vote.needed
