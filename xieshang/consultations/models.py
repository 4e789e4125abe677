"""Consultation activities (协商活动), their outcomes (建议案, 协商成果) and community rooms (协商议事室).

Consultations, outcomes and room topics run through workflows (workflows.py); the rows here hold what each step
produced (invitations, check-ins, notices sent, statements, progress, supports, ratings), so statistics count records.

A consultation may be co-hosted by several organizations (跨区域协商): `organization` is the lead host and `hosts`
lists all of them. Each host sees the shared parts (agenda, statements, minutes, outcomes) and only its own
invitations and attendance."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xieshang.workflow.models import WorkflowObject


class Kind(models.TextChoices):
    BIMONTHLY = "bimonthly", _("双月协商座谈会")
    THEMATIC = "thematic", _("专题议政")
    ROUND_TABLE = "round_table", _("座谈协商")
    SUPERVISION = "supervision", _("协商式民主监督")
    CROSS_REGION = "cross_region", _("跨区域协商")
    ONLINE = "online", _("网络议政/远程协商")
    # 提案办理协商: a key proposal's supervision meeting with its units, members and leaders; held about another
    # domain's record (its `origin`), outside the annual plan and without the party committee's approval.
    HANDLING = "handling", _("提案办理协商")


class Form(models.TextChoices):
    MEETING = "meeting", _("会议协商")
    ONLINE = "online", _("网络协商")
    BOTH = "both", _("线上线下结合")


class Consultation(WorkflowObject):
    organization = models.ForeignKey(
        "accounts.Organization", verbose_name=_("牵头组织"), on_delete=models.PROTECT, related_name="consultations"
    )
    hosts = models.ManyToManyField(
        "accounts.Organization", verbose_name=_("主办组织"), related_name="hosted_consultations"
    )
    kind = models.CharField(_("协商形式"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("协商议题"), max_length=120)
    description = models.TextField(_("议题说明"), blank=True)
    plan_year = models.PositiveSmallIntegerField(_("计划年度"))
    planned_date = models.DateField(_("计划日期"))
    starts_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    venue = models.CharField(_("地点"), max_length=120, blank=True)
    video_link = models.URLField(_("视频会议链接"), blank=True)
    committee = models.ForeignKey(
        "accounts.SpecialCommittee",
        verbose_name=_("承办专委会"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    participants_note = models.CharField(_("参加对象"), max_length=200, blank=True)
    # The chairs' meeting proposes the topic and the party committee approves it (shared/domain.md): the party
    # committee does not use this platform, so committee staff record its decision and the document that carries it.
    chairs_meeting = models.CharField(_("提出议题的主席会议"), max_length=120, blank=True)
    approval_body = models.CharField(_("批准机关"), max_length=60, blank=True)
    approval_document = models.CharField(_("批准文件文号"), max_length=80, blank=True)
    approved_on = models.DateField(_("批准日期"), null=True, blank=True)
    minutes = models.TextField(_("协商纪要"), blank=True)
    minutes_sent_at = models.DateTimeField(_("纪要报送时间"), null=True, blank=True)
    is_public = models.BooleanField(_("在《郑在协商》公开"), default=True)
    # The record the consultation is held about (a key proposal for 提案办理协商), as for an outcome's origin: a
    # generic relation, so this app knows no other domain's models (decision 0031).
    origin_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    origin_id = models.BigIntegerField(null=True, blank=True)
    origin = GenericForeignKey("origin_type", "origin_id")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("协商活动")
        verbose_name_plural = _("协商活动")
        ordering = ["-planned_date", "-id"]
        indexes = [
            models.Index(fields=["organization", "plan_year"]),
            models.Index(fields=["origin_type", "origin_id"], name="consultation_origin_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("consultations:detail", args=[self.pk])

    def get_public_url(self) -> str:
        return reverse("consultations:public_consultation", args=[self.pk])


class Dispatch(models.Model):
    """A notice (通知) or the materials (材料) of a consultation, due a number of working days ahead; sent once."""

    class Kind(models.TextChoices):
        NOTICE = "notice", _("会议通知")
        MATERIALS = "materials", _("会议材料")

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="dispatches")
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    due_on = models.DateField(_("应发日期"))
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    recipients = models.PositiveIntegerField(_("发送人数"), default=0)

    class Meta:
        verbose_name = _("通知与材料")
        verbose_name_plural = _("通知与材料")
        ordering = ["due_on", "kind"]
        constraints = [models.UniqueConstraint(fields=["consultation", "kind"], name="uniq_consultation_dispatch")]

    def __str__(self) -> str:
        return f"{self.consultation} · {self.get_kind_display()}"


def material_path(instance, filename: str) -> str:
    return f"consultations/materials/{timezone.now():%Y}/{filename}"


class Material(models.Model):
    """A document of a consultation's materials (会议材料), for the people invited and the hosts' staff; the
    materials dispatch (10 working days ahead by default) sends them once at least one is uploaded."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="materials")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("材料名称"), max_length=120)
    file = models.FileField(_("文件"), upload_to=material_path)
    filename = models.CharField(_("原文件名"), max_length=200)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("会议材料")
        verbose_name_plural = _("会议材料")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.title


class Invitation(models.Model):
    """A person invited by one host; registration and check-in are recorded on it."""

    class Mode(models.TextChoices):
        PRESENT = "present", _("现场参加")
        ONLINE = "online", _("线上参加")

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="invitations")
    organization = models.ForeignKey(
        "accounts.Organization", verbose_name=_("邀请方"), on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consultation_invites")
    mode = models.CharField(_("参加方式"), max_length=10, choices=Mode.choices, default=Mode.PRESENT)
    registered_at = models.DateTimeField(_("报名时间"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    invited_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("参会邀请")
        verbose_name_plural = _("参会邀请")
        ordering = ["consultation", "id"]
        constraints = [models.UniqueConstraint(fields=["consultation", "user"], name="uniq_consultation_invite")]

    def __str__(self) -> str:
        return f"{self.consultation} · {self.user}"


class Segment(models.Model):
    class Kind(models.TextChoices):
        BRIEFING = "briefing", _("情况通报")
        QUESTIONS = "questions", _("提问")
        ANSWERS = "answers", _("答复")
        SPEECHES = "speeches", _("发言")

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="segments")
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    kind = models.CharField(_("环节"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("内容"), max_length=160)
    speaker = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发言人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    speaker_name = models.CharField(_("发言人（单位、职务）"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("议程")
        verbose_name_plural = _("议程")
        ordering = ["consultation", "order", "id"]

    def __str__(self) -> str:
        return self.title


class LiveMessage(models.Model):
    """A statement or question sent from the live page by someone taking part online."""

    class Kind(models.TextChoices):
        STATEMENT = "statement", _("发言")
        QUESTION = "question", _("提问")

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="live_messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.STATEMENT)
    text = models.TextField(_("内容"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text[:30]


class Room(models.Model):
    """有事好商量协商议事室: one per town or community."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="rooms")
    community = models.OneToOneField(
        "accounts.Community", verbose_name=_("所在街道社区"), on_delete=models.PROTECT, related_name="room"
    )
    name = models.CharField(_("名称"), max_length=80)
    convener = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("召集人"), on_delete=models.PROTECT, related_name="convened_rooms"
    )
    address = models.CharField(_("地址"), max_length=120, blank=True)
    is_public = models.BooleanField(_("公开"), default=True)

    class Meta:
        verbose_name = _("协商议事室")
        verbose_name_plural = _("协商议事室")
        ordering = ["organization", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("consultations:room", args=[self.pk])

    def get_public_url(self) -> str:
        return reverse("consultations:public_room", args=[self.pk])


class Topic(WorkflowObject):
    class Moderation(models.TextChoices):
        PENDING = "pending", _("待审核")
        PUBLISHED = "published", _("已公开")
        REJECTED = "rejected", _("未通过")

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="room_topics")
    room = models.ForeignKey(Room, verbose_name=_("议事室"), on_delete=models.CASCADE, related_name="topics")
    title = models.CharField(_("议题"), max_length=80)
    body = models.TextField(_("具体情况"), blank=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提出人"), on_delete=models.PROTECT, related_name="raised_topics"
    )
    raised_at = models.DateTimeField(_("提出时间"), default=timezone.now)
    form = models.CharField(_("协商方式"), max_length=10, choices=Form.choices, blank=True)
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("参加人员"), blank=True, related_name="room_topics"
    )
    meeting_at = models.DateTimeField(_("协商时间"), null=True, blank=True)
    conversation = models.ForeignKey(
        "deliberation.Conversation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    support_count = models.PositiveIntegerField(_("支持人数"), default=0)
    done_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    # Moderation (the moderation app's queue, decision 0040): a topic is shown at once under post-moderation unless
    # the blocklist caught it; under pre-moderation, or when caught, it waits for committee staff.
    status = models.CharField(_("审核状态"), max_length=10, choices=Moderation.choices, default=Moderation.PUBLISHED)
    flagged = models.CharField(_("命中敏感词"), max_length=200, blank=True)
    reason = models.CharField(_("处理理由"), max_length=300, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("议事议题")
        verbose_name_plural = _("议事议题")
        ordering = ["-raised_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("consultations:topic", args=[self.pk])


class Support(models.Model):
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["topic", "user"], name="uniq_topic_support")]

    def __str__(self) -> str:
        return f"{self.user} → {self.topic}"


class Outcome(WorkflowObject):
    """One recommendation (建议案) of a consultation or one item of a room's outcome list (协商成果清单), tracked
    until done; its owner is a bureau or a leader. Another domain's record may also hand a recommendation here to be
    tracked the same way (a supervision or survey visit's 意见建议): it is the outcome's `origin`, a generic
    relation, so this app knows no other domain's models."""

    class Source(models.TextChoices):
        RECOMMENDATION = "recommendation", _("建议案")
        ROOM = "room", _("议事成果")
        VISIT = "visit", _("视察调研建议")
        PROMISE = "promise", _("提案办理承诺")

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="outcomes")
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices)
    consultation = models.ForeignKey(
        Consultation, null=True, blank=True, on_delete=models.CASCADE, related_name="outcomes"
    )
    topic = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.CASCADE, related_name="outcomes")
    origin_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    origin_id = models.BigIntegerField(null=True, blank=True)
    origin = GenericForeignKey("origin_type", "origin_id")
    title = models.CharField(_("事项"), max_length=160)
    body = models.TextField(_("内容"), blank=True)
    owner_unit = models.ForeignKey(
        "accounts.HandlingUnit",
        verbose_name=_("责任单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consultation_outcomes",
    )
    owner_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("责任领导"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_outcomes",
    )
    # The date the owner committed to (a reply's promise): the outcome falls due on it while it is carried out.
    promised_on = models.DateField(_("承诺完成日期"), null=True, blank=True)
    instruction = models.TextField(_("领导批示"), blank=True)
    not_adopted_reason = models.TextField(_("未采纳理由"), blank=True)
    is_public = models.BooleanField(_("公开办理状态"), default=True)
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("协商成果")
        verbose_name_plural = _("协商成果")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["origin_type", "origin_id"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("consultations:outcome", args=[self.pk])

    @property
    def owner_label(self) -> str:
        if self.owner_unit_id:
            return self.owner_unit.name
        return self.owner_leader.display_name if self.owner_leader_id else ""


class Progress(models.Model):
    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="progress")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(_("进展情况"))
    milestone = models.CharField(_("节点"), max_length=80, blank=True)
    milestone_due = models.DateField(_("节点日期"), null=True, blank=True)
    percent = models.PositiveSmallIntegerField(_("完成比例（%）"), default=0)
    created_at = models.DateTimeField(default=timezone.now)
    # When the owners were reminded that this milestone falls due, and told that it was missed (each once).
    milestone_warned_at = models.DateTimeField(null=True, blank=True)
    milestone_overdue_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:30]


class Rating(models.Model):
    class Score(models.IntegerChoices):
        GOOD = 3, _("满意")
        FAIR = 2, _("基本满意")
        POOR = 1, _("不满意")

    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="ratings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField(_("评价"), choices=Score.choices)
    comment = models.CharField(_("意见"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["outcome", "user"], name="uniq_outcome_rating")]

    def __str__(self) -> str:
        return f"{self.outcome} · {self.get_score_display()}"


class Article(models.Model):
    """A report (报道) written by conference staff about a consultation or a room; the portal shows it while it is
    published. Unpublishing keeps the text (it can be published again) and takes it off the portal and the feed."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="+")
    consultation = models.ForeignKey(
        Consultation, null=True, blank=True, on_delete=models.CASCADE, related_name="articles"
    )
    room = models.ForeignKey(Room, null=True, blank=True, on_delete=models.CASCADE, related_name="articles")
    title = models.CharField(_("标题"), max_length=120)
    body = models.TextField(_("正文"))
    is_published = models.BooleanField(_("已发布"), default=True)
    published_at = models.DateTimeField(_("发布时间"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("修改时间"), default=timezone.now)

    class Meta:
        verbose_name = _("报道")
        verbose_name_plural = _("报道")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(consultation__isnull=True) ^ models.Q(room__isnull=True), name="article_one_parent"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def parent(self):
        return self.consultation if self.consultation_id else self.room

    def get_public_url(self) -> str:
        return reverse("consultations:public_article", args=[self.pk])


def photo_path(instance, filename: str) -> str:
    # The name is ours (the uploader's file name is not kept): the extension follows the format found in the content.
    return f"consultations/{timezone.now():%Y}/{filename}"


class Photo(models.Model):
    """A photo of a consultation or a room, validated by its content and re-encoded without its metadata (EXIF, GPS)
    on upload; served through a view that checks it is published, so unpublishing takes it off at once."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="+")
    consultation = models.ForeignKey(
        Consultation, null=True, blank=True, on_delete=models.CASCADE, related_name="photos"
    )
    room = models.ForeignKey(Room, null=True, blank=True, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("图片"), upload_to=photo_path, width_field="width", height_field="height")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    alt_text = models.CharField(_("图片描述（供读屏软件朗读）"), max_length=200, default="")
    caption = models.CharField(_("图片说明"), max_length=120)
    is_published = models.BooleanField(_("已发布"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("图片")
        verbose_name_plural = _("图片")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(consultation__isnull=True) ^ models.Q(room__isnull=True), name="photo_one_parent"
            )
        ]

    def __str__(self) -> str:
        return self.caption

    @property
    def parent(self):
        return self.consultation if self.consultation_id else self.room

    def get_file_url(self) -> str:
        return reverse("consultations:photo_file", args=[self.pk])


# ---------------------------------------------------------------------------------------------------- public calls
class Call(models.Model):
    """A public call (征集) before a consultation: residents and members answer a question with topics, opinions or
    suggestions until the deadline; staff moderate what is written (before it shows, or after) and attach a summary
    of what was received to the consultation's materials."""

    class Kind(models.TextChoices):
        TOPICS = "topics", _("征集议题")
        OPINIONS = "opinions", _("征集意见")
        SUGGESTIONS = "suggestions", _("征集建议")

    class Moderation(models.TextChoices):
        PRE = "pre", _("先审后发")
        POST = "post", _("先发后审")

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="calls")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("征集类型"), max_length=12, choices=Kind.choices, default=Kind.OPINIONS)
    question = models.CharField(_("征集问题"), max_length=200)
    description = models.TextField(_("征集说明"), blank=True)
    opens_at = models.DateTimeField(_("开始时间"))
    closes_at = models.DateTimeField(_("截止时间"))
    moderation = models.CharField(_("审核方式"), max_length=4, choices=Moderation.choices, default=Moderation.PRE)
    # An opinion map (deliberation conversation) attached to the call: its groups and consensus go into the summary.
    conversation = models.ForeignKey(
        "deliberation.Conversation",
        verbose_name=_("意见地图"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    summary = models.ForeignKey(
        Material, verbose_name=_("征集情况汇总"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("公开征集")
        verbose_name_plural = _("公开征集")
        ordering = ["-opens_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(closes_at__gt=models.F("opens_at")), name="call_closes_after")
        ]

    def __str__(self) -> str:
        return self.question

    def get_absolute_url(self) -> str:
        return reverse("consultations:call", args=[self.pk])

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at


class Entry(models.Model):
    """What one person wrote in answer to a call. Under pre-moderation it waits in the staff's queue until approved;
    under post-moderation it is published at once (unless it matches the blocklist) and may be hidden. A refused or
    hidden entry carries the reason its author sees, and the author may appeal once."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        PUBLISHED = "published", _("已公开")
        REJECTED = "rejected", _("未通过")
        HIDDEN = "hidden", _("已隐藏")

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="entries")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="call_entries")
    text = models.TextField(_("内容"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    # The blocklist words the text matched (why a post-moderated entry waits in the queue).
    flagged = models.CharField(_("命中敏感词"), max_length=200, blank=True)
    reason = models.CharField(_("处理理由"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    appeal = models.CharField(_("申诉理由"), max_length=500, blank=True)
    appealed_at = models.DateTimeField(_("申诉时间"), null=True, blank=True)
    support_count = models.PositiveIntegerField(_("支持人数"), default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("征集留言")
        verbose_name_plural = _("征集留言")
        ordering = ["-support_count", "created_at", "id"]
        indexes = [models.Index(fields=["call", "status"])]

    def __str__(self) -> str:
        return self.text[:30]


class EntrySupport(models.Model):
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entry", "user"], name="uniq_entry_support")]

    def __str__(self) -> str:
        return f"{self.user} → {self.entry}"


# The public live consultation (stage, questions, speakers, quick votes): a module of its own, past this one's size.
from .models_live import LiveQuestion, LiveStage, QuickBallot, QuickVote, QuickVoteOption, SpeakRequest  # noqa: E402

__all__ = ["LiveQuestion", "LiveStage", "QuickBallot", "QuickVote", "QuickVoteOption", "SpeakRequest"]
