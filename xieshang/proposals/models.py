"""Proposals (提案) and micro-proposals (微提案): the tables. Logic lives in services/ and selectors.py.

Proposal runs through the engine (WorkflowObject): only workflow.services writes its state fields, and the domain
rows around it (assignments, replies, ratings) are written by proposals.services, many of them inside engine hooks so
that a state change and its data commit together."""

from __future__ import annotations

import os

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xieshang.core.models import OrganizationSettings
from xieshang.core.names import named
from xieshang.workflow.models import WorkflowObject


class ProposalSettings(OrganizationSettings):
    """Per-organization numbers (shared/domain.md: every number is a default the organization may change).
    ProposalSettings.for_organization(org) (selectors.settings_for) returns the saved row or an unsaved one with the
    defaults, cached; saving or deleting a row clears the cache."""

    organization = models.OneToOneField(
        "accounts.Organization", on_delete=models.CASCADE, related_name="proposal_settings"
    )
    body_max_chars = models.PositiveIntegerField(_("提案正文字数上限"), default=2500)
    micro_body_max_chars = models.PositiveIntegerField(_("微提案正文字数上限"), default=500)
    title_max_chars = models.PositiveIntegerField(_("标题字数上限"), default=60)
    number_format = models.CharField(
        _("编号格式"),
        max_length=60,
        default="〔{year}〕第{seq:04d}号",
        help_text=_("可用 {year}（年度）和 {seq}（序号，如 {seq:04d} 补足四位）。"),
    )
    micro_number_format = models.CharField(_("微提案编号格式"), max_length=60, default="微〔{year}〕{seq:04d}")
    attachment_max_mb = models.PositiveSmallIntegerField(_("附件大小上限（MB）"), default=20)
    attachment_types = models.CharField(
        _("允许的附件类型"), max_length=200, default="pdf doc docx xls xlsx jpg jpeg png ofd txt"
    )
    attachment_max_count = models.PositiveSmallIntegerField(_("附件个数上限"), default=10)

    class Meta:
        verbose_name = _("提案参数")
        verbose_name_plural = _("提案参数")

    def __str__(self) -> str:
        return str(_("提案参数"))

    def allowed_extensions(self) -> set[str]:
        return {e.strip().lower().lstrip(".") for e in self.attachment_types.replace(",", " ").split() if e.strip()}


class Category(models.Model):
    """提案类别. Rows without an organization are the seeded defaults (经济建设 …); an organization with rows of its own
    uses only those."""

    organization = models.ForeignKey(
        "accounts.Organization", null=True, blank=True, on_delete=models.CASCADE, related_name="proposal_categories"
    )
    code = models.SlugField(_("代码"), max_length=30)
    name = models.CharField(_("名称"), max_length=40)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("提案类别")
        verbose_name_plural = _("提案类别")
        ordering = ["organization_id", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["organization", "code"], name="uniq_proposal_category")]

    def __str__(self) -> str:
        return str(named(self.name))


class NotFiledGround(models.Model):
    """A listed ground for not filing (不予立案理由). Seeded defaults have no organization, as with Category."""

    organization = models.ForeignKey(
        "accounts.Organization", null=True, blank=True, on_delete=models.CASCADE, related_name="not_filed_grounds"
    )
    text = models.CharField(_("理由"), max_length=120)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("不予立案理由")
        verbose_name_plural = _("不予立案理由")
        ordering = ["organization_id", "order", "id"]

    def __str__(self) -> str:
        return str(named(self.text))


class Proposal(WorkflowObject):
    class Kind(models.TextChoices):
        PROPOSAL = "proposal", _("提案")
        MICRO = "micro", _("微提案")

    class SubmitterKind(models.TextChoices):
        MEMBER = "member", _("委员个人")
        JOINT = "joint", _("委员联名")
        PARTY = "party", _("党派")
        PEOPLES_ORG = "peoples_org", _("人民团体")
        COMMITTEE = "committee", _("专门委员会")
        SECTOR = "sector", _("界别")

    class Outcome(models.TextChoices):
        FILED = "filed", _("立案")
        MERGED = "merged", _("并案")
        CONVERTED = "converted", _("转为意见建议")
        NOT_FILED = "not_filed", _("不予立案")

    class AssignmentMode(models.TextChoices):
        LEAD = "lead", _("主办协办")
        SPLIT = "split", _("分办")

    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="proposals")
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.PROPOSAL)
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("案由"), max_length=200)
    body = models.TextField(_("正文"))
    # The lead (第一提案人): the member, or the person who submits for a party, organization, committee or sector.
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("领衔提案人"), on_delete=models.PROTECT, related_name="proposals"
    )
    submitter_kind = models.CharField(
        _("提案者类型"), max_length=12, choices=SubmitterKind.choices, default=SubmitterKind.MEMBER
    )
    submitter_party = models.CharField(_("党派"), max_length=10, blank=True)
    submitter_org_name = models.CharField(_("提案单位名称"), max_length=80, blank=True)
    committee = models.ForeignKey(
        "accounts.SpecialCommittee", verbose_name=_("专门委员会"), null=True, blank=True, on_delete=models.PROTECT
    )
    # The lead member's sector, or the submitting sector group; kept here so the staff queue filters without a join
    # through member profiles.
    sector = models.ForeignKey(
        "accounts.Sector", verbose_name=_("界别"), null=True, blank=True, on_delete=models.SET_NULL
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("代录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cosign_deadline = models.DateField(_("联名截止日"), null=True, blank=True)
    category = models.ForeignKey(
        Category, verbose_name=_("类别"), null=True, blank=True, on_delete=models.PROTECT, related_name="proposals"
    )
    seq = models.PositiveIntegerField(_("序号"), null=True, blank=True)
    number = models.CharField(_("编号"), max_length=40, blank=True)
    outcome = models.CharField(_("审查结果"), max_length=12, choices=Outcome.choices, blank=True)
    not_filed_ground = models.ForeignKey(
        NotFiledGround, verbose_name=_("不予立案理由类别"), null=True, blank=True, on_delete=models.PROTECT
    )
    outcome_reason = models.TextField(_("审查意见"), blank=True, help_text=_("提案人可见。"))
    merged_into = models.ForeignKey(
        "self", verbose_name=_("并入提案"), null=True, blank=True, on_delete=models.PROTECT, related_name="merged"
    )
    assignment_mode = models.CharField(
        _("交办方式"), max_length=8, choices=AssignmentMode.choices, default=AssignmentMode.LEAD
    )
    is_key = models.BooleanField(_("重点提案"), default=False)
    key_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("领衔督办领导"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_key_proposals",
    )
    key_supervising_body = models.CharField(_("督办单位"), max_length=80, blank=True)
    # When the chairpersons' meeting that chose it published its list: members and units see it as key from then.
    key_published_at = models.DateTimeField(_("重点提案公布时间"), null=True, blank=True)
    # 批示 by leaders on a key proposal, in the base's one table of instructions (decision 0034).
    key_instructions = GenericRelation("instructions.Instruction", related_query_name="proposal")
    fast_track = models.BooleanField(_("快速办理"), default=False)
    is_excellent = models.BooleanField(_("优秀提案"), default=False)
    excellent_year = models.PositiveSmallIntegerField(_("评为优秀提案年度"), null=True, blank=True)
    reply_round = models.PositiveSmallIntegerField(_("答复轮次"), default=1)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    # The plenary or standing-committee session during whose proposal window it was submitted (hooks.on_submit).
    session = models.ForeignKey(
        "assemblies.Session",
        verbose_name=_("所属会议"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposals",
    )
    filed_at = models.DateTimeField(_("立案时间"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("交办时间"), null=True, blank=True)
    replied_at = models.DateTimeField(_("答复送达时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    # When the office first published one of its replies (services.reply_publish): the public list reads this
    # column through a partial index instead of probing every proposal's replies (EXISTS over the whole table).
    published_reply_at = models.DateTimeField(_("答复首次公开时间"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("提案")
        verbose_name_plural = _("提案")
        ordering = ["-created_at", "-id"]
        constraints = [
            # Concurrent numbering can never hand out one number twice (the hook also locks a counter row).
            models.UniqueConstraint(
                fields=["organization", "kind", "year", "seq"],
                condition=Q(seq__isnull=False),
                name="uniq_proposal_seq",
            ),
            models.UniqueConstraint(
                fields=["organization", "number"], condition=~Q(number=""), name="uniq_proposal_number"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "kind", "state", "-created_at"], name="prop_org_state_idx"),
            # the staff and assignment queues: a state filter ordered by due date, and their counts
            models.Index(fields=["organization", "kind", "state", "due_on"], name="prop_queue_due_idx"),
            models.Index(fields=["organization", "year", "kind"], name="prop_org_year_idx"),
            models.Index(fields=["submitter", "-created_at"], name="prop_submitter_idx"),
            models.Index(fields=["key_leader"], condition=Q(is_key=True), name="prop_key_idx"),
            # the staff queue's order (either end: its last page is read backwards, views.common.ReversingPaginator)
            models.Index(fields=["organization", "due_on", "submitted_at", "id"], name="prop_queue_order_idx"),
            # the public list: proposals with a published reply, in the list's order
            models.Index(
                fields=["organization", "-year", "-seq", "-id"],
                condition=Q(published_reply_at__isnull=False),
                name="prop_public_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}" if self.number else self.title

    def get_absolute_url(self) -> str:
        try:
            return reverse("proposals:detail", args=[self.pk])
        except NoReverseMatch:  # pages are mounted by the pages engineer; the domain works without them
            return f"/proposals/{self.pk}/"

    @property
    def is_micro(self) -> bool:
        return self.kind == self.Kind.MICRO

    @property
    def submitter_display(self) -> str:
        if self.submitter_kind in (self.SubmitterKind.PARTY, self.SubmitterKind.PEOPLES_ORG) and (
            self.submitter_org_name
        ):
            return self.submitter_org_name
        if self.submitter_kind == self.SubmitterKind.COMMITTEE and self.committee_id:
            return self.committee.name
        if self.submitter_kind == self.SubmitterKind.SECTOR and self.sector_id:
            return self.sector.name
        return self.submitter.display_name


def attachment_path(instance, filename: str) -> str:
    ext = os.path.splitext(filename)[1].lower()[:10]
    return f"proposals/{instance.proposal.organization_id}/{instance.proposal_id}/{timezone.now():%Y%m%d%H%M%S%f}{ext}"


class Attachment(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("文件"), upload_to=attachment_path)
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"), default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class CoSignature(models.Model):
    """An invitation to co-sign (联名). It counts only if signed on or before the proposal's signing deadline."""

    class Status(models.TextChoices):
        INVITED = "invited", _("已邀请")
        SIGNED = "signed", _("已联名")
        DECLINED = "declined", _("已谢绝")
        WITHDRAWN = "withdrawn", _("邀请已撤回")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="cosignatures")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cosignatures")
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.INVITED)
    invited_at = models.DateTimeField(default=timezone.now)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    # Filled once the deadline has passed or the proposal left draft: whether this signature counts.
    counts = models.BooleanField(_("联名有效"), default=False)

    class Meta:
        verbose_name = _("联名")
        verbose_name_plural = _("联名")
        ordering = ["invited_at", "id"]
        constraints = [models.UniqueConstraint(fields=["proposal", "user"], name="uniq_cosignature")]
        indexes = [models.Index(fields=["user", "status"], name="cosign_user_status_idx")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_status_display()}"


class AssignmentQuerySet(models.QuerySet):
    def lead_first(self) -> AssignmentQuerySet:
        """The one order in which a proposal's units are listed (pages, letters, Word and PDF): the lead unit, then
        the co-handlers, then split units, each in the order they were assigned. The role's key would sort "co"
        before "lead"."""
        rank = models.Case(
            models.When(role=Assignment.Role.LEAD, then=models.Value(0)),
            models.When(role=Assignment.Role.CO, then=models.Value(1)),
            default=models.Value(2),
        )
        return self.order_by(rank, "id")


class Assignment(models.Model):
    """A handling unit's part in a proposal: lead (主办), co-handler (协办) or split unit (分办, replies on its own)."""

    class Role(models.TextChoices):
        LEAD = "lead", _("主办")
        CO = "co", _("协办")
        SPLIT = "split", _("分办")

    class Status(models.TextChoices):
        PLANNED = "planned", _("拟交办")
        PENDING = "pending", _("待签收")
        RECEIVED = "received", _("已签收")
        RETURNED = "returned", _("已退回")
        REPLACED = "replaced", _("已改交")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey("accounts.HandlingUnit", on_delete=models.PROTECT, related_name="proposal_assignments")
    role = models.CharField(_("承办方式"), max_length=8, choices=Role.choices)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    receipt_due_on = models.DateField(_("签收期限"), null=True, blank=True)
    # Copies of the proposal's current state and due date (kept by the "*" hook on every transition and by
    # handling_extend), so that a unit's inbox is filtered, counted and sorted from this table's
    # (unit, proposal_state, status, proposal_due_on) index alone, without a join to the proposals.
    proposal_state = models.ForeignKey(
        "workflow.State",
        verbose_name=_("提案状态"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_index=False,
        related_name="+",
    )
    proposal_due_on = models.DateField(_("本环节到期日"), null=True, blank=True)
    assigned_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    returned_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField(_("退回理由"), blank=True)
    return_refusals = models.PositiveSmallIntegerField(_("退回未获同意次数"), default=0)
    # True while this unit owes a reply in the current round (lead and split units only).
    needs_reply = models.BooleanField(default=False)
    # Co-handlers send their opinion to the lead unit, not to the member.
    opinion = models.TextField(_("协办意见"), blank=True)
    opinion_at = models.DateTimeField(null=True, blank=True)
    recontacted_at = models.DateTimeField(_("重办沟通时间"), null=True, blank=True)
    recontact_note = models.TextField(_("重办沟通情况"), blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("交办")
        verbose_name_plural = _("交办")
        ordering = ["proposal", "role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "unit"],
                condition=~Q(status__in=["returned", "replaced"]),
                name="uniq_active_assignment",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "status"], name="assign_unit_status_idx"),
            models.Index(
                fields=["unit", "proposal_state", "status", "proposal_due_on", "id"], name="assign_inbox_state_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_role_display()}"

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.RECEIVED)

    @property
    def is_overdue(self) -> bool:
        """The proposal's current step is overdue: marked by the reminder run, or its due date has passed."""
        proposal = self.proposal
        return proposal.overdue or (proposal.due_on is not None and proposal.due_on < timezone.localdate())


class Reply(models.Model):
    """A unit's reply (答复) in one round. Countersigned by co-handlers, reviewed by the supervisor, then sent."""

    class Grade(models.TextChoices):
        A = "A", _("A类（所提问题已经解决或基本解决）")
        B = "B", _("B类（所提问题正在解决或列入计划解决）")
        C = "C", _("C类（所提问题因条件限制留作参考）")

    class Status(models.TextChoices):
        COUNTERSIGNING = "countersigning", _("会签中")
        IN_REVIEW = "in_review", _("督办审核中")
        SENT = "sent", _("已答复")
        SENT_BACK = "sent_back", _("已退回")
        SUPERSEDED = "superseded", _("已被新答复取代")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="replies")
    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="replies")
    round = models.PositiveSmallIntegerField(_("轮次"), default=1)
    reference_number = models.CharField(_("答复文号"), max_length=60)
    contact_person = models.CharField(_("联系人"), max_length=40)
    contact_phone = models.CharField(_("联系电话"), max_length=30)
    text = models.TextField(_("答复正文"))
    grade = models.CharField(_("答复类别"), max_length=1, choices=Grade.choices)
    unit_grade = models.CharField(_("承办单位自评类别"), max_length=1, choices=Grade.choices, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.COUNTERSIGNING)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(_("送达委员时间"), null=True, blank=True)
    on_time = models.BooleanField(_("按期答复"), null=True, blank=True)
    publish_due_on = models.DateField(_("公开期限"), null=True, blank=True)
    is_published = models.BooleanField(_("已公开"), default=False)
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)
    # What the unit commits to do and by when (a B reply must say it): tracked as an outcome once the reply is sent.
    promise = models.TextField(_("承诺事项"), blank=True)
    promise_due_on = models.DateField(_("承诺完成时限"), null=True, blank=True)

    class Meta:
        verbose_name = _("答复")
        verbose_name_plural = _("答复")
        ordering = ["proposal", "round", "id"]
        indexes = [models.Index(fields=["status", "sent_at"], name="reply_status_sent_idx")]

    def __str__(self) -> str:
        return f"{self.reference_number} ({self.grade})"

    def get_absolute_url(self) -> str:
        return self.proposal.get_absolute_url() + "#h-replies"

    @property
    def organization_id(self) -> int:
        """The proposal's organization (a reply is an outcome's origin: consultations.origins)."""
        return self.proposal.organization_id


class HandlingContact(models.Model):
    """办理协商: a handling unit's recorded contact with the proposal's member before it replies (how, when, with
    whom, what was agreed). The member confirms the record or disputes it; a disputed record is flagged to the
    supervisors. Whether a reply needs one is the workflow's: the condition `proposals.member_contacted` on its
    `reply` transition (on by default for proposals)."""

    class Method(models.TextChoices):
        PHONE = "phone", _("电话沟通")
        VISIT = "visit", _("登门走访")
        MEETING = "meeting", _("座谈会商")
        OTHER = "other", _("其他方式")

    class Response(models.TextChoices):
        PENDING = "pending", _("待委员确认")
        CONFIRMED = "confirmed", _("委员已确认")
        DISPUTED = "disputed", _("委员有异议")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="contacts")
    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="contacts")
    round = models.PositiveSmallIntegerField(_("轮次"), default=1)
    method = models.CharField(_("沟通方式"), max_length=8, choices=Method.choices)
    contacted_on = models.DateField(_("沟通日期"))
    with_whom = models.CharField(_("沟通对象"), max_length=80)
    agreed = models.TextField(_("沟通情况及商定事项"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    response = models.CharField(_("委员意见"), max_length=10, choices=Response.choices, default=Response.PENDING)
    member_note = models.TextField(_("委员说明"), blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("办理协商记录")
        verbose_name_plural = _("办理协商记录")
        ordering = ["proposal", "recorded_at", "id"]
        indexes = [models.Index(fields=["proposal", "assignment"], name="prop_contact_idx")]

    def __str__(self) -> str:
        return f"{self.assignment.unit} · {self.contacted_on:%Y-%m-%d} · {self.get_method_display()}"


def signed_letter_path(instance, filename: str) -> str:
    ext = os.path.splitext(filename)[1].lower()[:10]
    proposal = instance.reply.proposal
    return f"proposals/{proposal.organization_id}/{proposal.pk}/letters/{timezone.now():%Y%m%d%H%M%S%f}{ext}"


class SignedLetter(models.Model):
    """A signed reply letter on paper, scanned: the unit's own letter with its seal, or the copy a member received.
    The platform also generates the letter (Word, PDF); this keeps the one that was signed."""

    class Kind(models.TextChoices):
        UNIT = "unit", _("承办单位盖章答复函")
        MEMBER = "member", _("委员收到的答复函扫描件")

    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, related_name="signed_letters")
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    file = models.FileField(_("文件"), upload_to=signed_letter_path)
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"), default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("签章答复函")
        verbose_name_plural = _("签章答复函")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class Countersign(models.Model):
    """A co-handler's countersignature (会签) of a reply; the co-handler may have edited the text."""

    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, related_name="countersigns")
    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="countersigns")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("会签意见"), blank=True)
    edited = models.BooleanField(_("修改了答复"), default=False)
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("会签")
        verbose_name_plural = _("会签")
        constraints = [models.UniqueConstraint(fields=["reply", "assignment"], name="uniq_countersign")]

    def __str__(self) -> str:
        return f"{self.assignment.unit} · {self.signed_at:%Y-%m-%d}"


class Rating(models.Model):
    """满意度评价 of a reply by one signer; entered_by is set when staff typed a paper rating in."""

    class Satisfaction(models.TextChoices):
        SATISFIED = "satisfied", _("满意")
        BASIC = "basic", _("基本满意")
        DISSATISFIED = "dissatisfied", _("不满意")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="ratings")
    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, related_name="ratings")
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="proposal_ratings")
    satisfaction = models.CharField(_("评价"), max_length=12, choices=Satisfaction.choices)
    comment = models.TextField(_("意见"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("满意度评价")
        verbose_name_plural = _("满意度评价")
        constraints = [models.UniqueConstraint(fields=["reply", "rater"], name="uniq_rating_per_reply")]

    def __str__(self) -> str:
        return f"{self.rater} · {self.get_satisfaction_display()}"


class Comment(models.Model):
    """A remark on a proposal by someone who may read it (the submitter, co-signers, staff, units, supervisor,
    leader). Written only in states whose `allows` has "comment"; once written it stays on the page for good."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="proposal_comments")
    text = models.TextField(_("留言"))
    state_name = models.CharField(_("留言时所处环节"), max_length=80, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("提案留言")
        verbose_name_plural = _("提案留言")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["proposal", "created_at"], name="prop_comment_idx")]

    def __str__(self) -> str:
        return f"{self.author} · {self.created_at:%Y-%m-%d}"


# Key proposals (重点提案): selection at the chairpersons' meeting, then leaders' supervision. Decision 0028.


class KeyMeeting(models.Model):
    """主席会议: the meeting that decides which candidates become key proposals. Its record (date, minutes) is
    written with the decision; publication makes the list visible to the members and the handling units."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="key_meetings")
    year = models.PositiveSmallIntegerField(_("年度"))
    name = models.CharField(_("会议名称"), max_length=80)
    held_on = models.DateField(_("会议日期"))
    minutes = models.TextField(_("会议纪要"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("主席会议（重点提案遴选）")
        verbose_name_plural = _("主席会议（重点提案遴选）")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["organization", "-held_on"], name="key_meeting_org_idx")]

    def __str__(self) -> str:
        return f"{self.name} · {self.held_on:%Y-%m-%d}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class KeyCandidate(models.Model):
    """A proposal put forward by the proposals staff as a key-proposal candidate, with the reason; the chairpersons'
    meeting chooses it or not, and the row keeps which."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("待主席会议决定")
        CHOSEN = "chosen", _("确定为重点提案")
        NOT_CHOSEN = "not_chosen", _("未列为重点提案")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="key_candidacies")
    reason = models.TextField(_("推荐理由"))
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.PROPOSED)
    meeting = models.ForeignKey(KeyMeeting, null=True, blank=True, on_delete=models.PROTECT, related_name="candidates")
    # Who put it forward besides the person: a handling unit of the proposal, or a special committee (decision 0031);
    # neither for the proposals office.
    proposer_unit = models.ForeignKey(
        "accounts.HandlingUnit",
        verbose_name=_("推荐单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposer_committee = models.ForeignKey(
        "accounts.SpecialCommittee",
        verbose_name=_("推荐专委会"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("重点提案候选")
        verbose_name_plural = _("重点提案候选")
        ordering = ["proposed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal"], condition=Q(status="proposed"), name="uniq_open_key_candidate"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal} · {self.get_status_display()}"

    @property
    def proposer_body(self) -> str:
        """The body that put the candidate forward: the unit, the committee, or the proposals office."""
        if self.proposer_unit_id:
            return self.proposer_unit.name
        if self.proposer_committee_id:
            return self.proposer_committee.name
        return str(_("提案委员会"))


class KeySupervisor(models.Model):
    """A leader who supervises a key proposal (领导领衔督办): on the conference's side or the government's; a
    platform user with the leader role, or a government leader named with his title when he has no account."""

    class Side(models.TextChoices):
        CONFERENCE = "conference", _("政协领导")
        GOVERNMENT = "government", _("政府领导")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="key_supervisors")
    side = models.CharField(_("督办方"), max_length=12, choices=Side.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("督办领导（平台用户）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervised_key_proposals",
    )
    name = models.CharField(_("督办领导"), max_length=60)
    title = models.CharField(_("职务"), max_length=80, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("督办领导")
        verbose_name_plural = _("督办领导")
        ordering = ["proposal", "side", "id"]
        indexes = [models.Index(fields=["user", "proposal"], name="key_supervisor_user_idx")]

    def __str__(self) -> str:
        return f"{self.name} {self.title}".strip()


class KeyMilestone(models.Model):
    """A step of a key proposal's supervision plan: what is to be done, by when. Done once a unit reports it done."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="key_milestones")
    what = models.CharField(_("节点任务"), max_length=200)
    due_on = models.DateField(_("完成时限"))
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("督办计划节点")
        verbose_name_plural = _("督办计划节点")
        ordering = ["proposal", "due_on", "id"]
        indexes = [models.Index(fields=["proposal", "due_on"], name="key_milestone_due_idx")]

    def __str__(self) -> str:
        return f"{self.what} · {self.due_on:%Y-%m-%d}"

    @property
    def is_overdue(self) -> bool:
        return self.done_at is None and self.due_on < timezone.localdate()


def key_progress_path(instance, filename: str) -> str:
    ext = os.path.splitext(filename)[1].lower()[:10]
    p = instance.proposal
    return f"proposals/{p.organization_id}/{p.pk}/key/{timezone.now():%Y%m%d%H%M%S%f}{ext}"


class KeyProgress(models.Model):
    """A handling unit's progress report against a milestone of the supervision plan."""

    milestone = models.ForeignKey(KeyMilestone, on_delete=models.CASCADE, related_name="reports")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="key_progress")
    unit = models.ForeignKey("accounts.HandlingUnit", on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("进展情况"))
    reported_on = models.DateField(_("报告日期"))
    completes = models.BooleanField(_("本节点已完成"), default=False)
    file = models.FileField(_("附件"), upload_to=key_progress_path, blank=True)
    file_name = models.CharField(_("附件名"), max_length=200, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("重点提案办理进展")
        verbose_name_plural = _("重点提案办理进展")
        ordering = ["milestone", "reported_at", "id"]

    def __str__(self) -> str:
        return f"{self.unit} · {self.reported_on:%Y-%m-%d}"


class KeyAssessment(models.Model):
    """督办评价: a supervising leader's assessment of how his key proposal was handled, once per leader, proposal
    and year; he may change it until the year's summary is finalised (decision 0031)."""

    class Grade(models.TextChoices):
        SATISFIED = "satisfied", _("满意")
        BASIC = "basic", _("基本满意")
        DISSATISFIED = "dissatisfied", _("不满意")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="key_assessments")
    supervisor = models.ForeignKey(KeySupervisor, on_delete=models.PROTECT, related_name="assessments")
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    grade = models.CharField(_("评价等次"), max_length=12, choices=Grade.choices)
    text = models.TextField(_("评价意见"))
    recorded_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("督办评价")
        verbose_name_plural = _("督办评价")
        ordering = ["proposal", "year", "id"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "leader", "year"], name="uniq_key_assessment_year"),
        ]

    def __str__(self) -> str:
        return f"{self.supervisor} · {self.year} · {self.get_grade_display()}"


class KeySummary(models.Model):
    """重点提案办理情况总结 of a year: finalised by the proposals office, after which the year's assessments are kept
    as they are."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    finalized_at = models.DateTimeField(_("定稿时间"), null=True, blank=True)
    finalized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("重点提案办理情况总结")
        verbose_name_plural = _("重点提案办理情况总结")
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="uniq_key_summary_year")]

    def __str__(self) -> str:
        return f"{self.organization} · {self.year}"


# Units' annual handling reports (承办单位年度办理工作总结) and the evaluation of units. Decision 0030.


class UnitReport(models.Model):
    """A handling unit's annual report on its handling of proposals: drafted from its records (the figures), edited
    by its officer, submitted, reviewed by the proposals office (accepted or sent back with a reason) and published.
    `figures` keeps the counts as they stood when the unit submitted, so the reviewed and published text and its
    table agree; before that the page counts afresh."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已提交，待审核")
        RETURNED = "returned", _("已退回修改")
        ACCEPTED = "accepted", _("审核通过，待公布")
        PUBLISHED = "published", _("已公布")

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="unit_reports")
    unit = models.ForeignKey("accounts.HandlingUnit", on_delete=models.PROTECT, related_name="annual_reports")
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("标题"), max_length=120)
    text = models.TextField(_("正文"))
    figures = models.JSONField(_("提交时的数据"), default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    return_reason = models.TextField(_("退回理由"), blank=True)
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("承办单位年度办理工作总结")
        verbose_name_plural = _("承办单位年度办理工作总结")
        ordering = ["-year", "unit__name", "id"]
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="uniq_unit_report_year")]
        indexes = [models.Index(fields=["organization", "year", "status"], name="unit_report_org_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("proposals:unit_report", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)


class UnitEvaluationWeights(OrganizationSettings):
    """承办单位办理工作评价: the weights (in percent, summing to 100) of the rates that make a unit's score. The
    organization's row, or the defaults below when it has none (OrganizationSettings)."""

    organization = models.OneToOneField(
        "accounts.Organization", on_delete=models.CASCADE, related_name="unit_evaluation_weights"
    )
    on_time = models.PositiveSmallIntegerField(_("按期答复率权重（%）"), default=30)
    satisfaction = models.PositiveSmallIntegerField(_("满意率权重（%）"), default=40)
    promises = models.PositiveSmallIntegerField(_("承诺按期兑现率权重（%）"), default=20)
    grades = models.PositiveSmallIntegerField(_("解决落实率权重（%）"), default=10)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("承办单位评价权重")
        verbose_name_plural = _("承办单位评价权重")

    def __str__(self) -> str:
        return str(_("承办单位评价权重"))
