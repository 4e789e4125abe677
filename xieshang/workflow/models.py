"""Workflows as data: states, transitions and deadlines an administrator can edit, the append-only event trail, the
working-day calendar and the record of reminders sent.

Nothing here knows a domain. A domain model inherits WorkflowObject and runs whatever workflow it is handed; roles and
conditions named in the data are resolved through registry.py."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xieshang.core.names import named


class AppendOnlyError(Exception):
    """Raised when code tries to change or remove a workflow event."""


class DeadlineUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("工作日")
    CALENDAR_DAYS = "calendar_days", _("自然日")
    MONTHS = "months", _("月")


class Workflow(models.Model):
    """A named state machine. Rows without an organization are the platform defaults; an organization may copy one
    and edit its copy (selectors.workflow_for picks the organization's own first)."""

    key = models.SlugField(_("标识"), max_length=60)
    organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("所属组织"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="workflows",
        help_text=_("留空为平台默认流程。"),
    )
    name = models.CharField(_("名称"), max_length=120)
    description = models.TextField(_("说明"), blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    # Per-workflow settings the domain reads (e.g. signing deadline); the engine stores them and never interprets them.
    settings = models.JSONField(_("参数"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("流程")
        verbose_name_plural = _("流程")
        ordering = ["key", "organization_id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "key"], name="uniq_workflow_org_key"),
            models.UniqueConstraint(
                fields=["key"], condition=models.Q(organization__isnull=True), name="uniq_default_workflow_key"
            ),
        ]

    def __str__(self) -> str:
        return str(named(self.name))  # a default name in the reader's language


class State(models.Model):
    workflow = models.ForeignKey(Workflow, verbose_name=_("流程"), on_delete=models.CASCADE, related_name="states")
    key = models.SlugField(_("标识"), max_length=60)
    name = models.CharField(_("名称"), max_length=80)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_initial = models.BooleanField(_("初始状态"), default=False)
    is_final = models.BooleanField(_("终止状态"), default=False)
    # Flags the domain asks about through selectors.state_allows(obj, flag): {"edit": true, "cosign": true, ...}.
    allows = models.JSONField(_("本状态允许"), default=dict, blank=True)
    # What the state means, for code: phase tags such as "review", "handling", "rating", "public". Code asks
    # `state.has("handling")`, never the state's key, so that an administrator may rename or insert states.
    tags = models.JSONField(_("阶段标签"), default=list, blank=True)
    deadline_amount = models.PositiveSmallIntegerField(_("办理期限"), null=True, blank=True)
    deadline_unit = models.CharField(
        _("期限单位"), max_length=16, choices=DeadlineUnit.choices, default=DeadlineUnit.WORKING_DAYS
    )
    # The longest the deadline may be stretched by extensions, counted from entering the state, in deadline_unit.
    deadline_max_amount = models.PositiveSmallIntegerField(_("延期后最长期限"), null=True, blank=True)
    warn_before = models.PositiveSmallIntegerField(
        _("到期前提醒（工作日）"), default=0, help_text=_("0 表示不提前提醒。")
    )
    warn_after_every = models.PositiveSmallIntegerField(
        _("超期后每隔几个工作日催办"), default=0, help_text=_("0 表示只在超期当天催办一次。")
    )
    # Roles that must act in this state (reminded before the deadline) and roles told when it is missed (催办).
    responsible_roles = models.JSONField(_("责任角色"), default=list, blank=True)
    escalate_roles = models.JSONField(_("超期催办通知角色"), default=list, blank=True)
    extend_roles = models.JSONField(_("可批准延期的角色"), default=list, blank=True)

    class Meta:
        verbose_name = _("状态")
        verbose_name_plural = _("状态")
        ordering = ["workflow", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["workflow", "key"], name="uniq_state_key")]

    def __str__(self) -> str:
        return str(named(self.name))  # a default name in the reader's language

    def has(self, tag: str) -> bool:
        return tag in (self.tags or ())


class Transition(models.Model):
    workflow = models.ForeignKey(Workflow, verbose_name=_("流程"), on_delete=models.CASCADE, related_name="transitions")
    key = models.SlugField(_("标识"), max_length=60)
    name = models.CharField(_("名称"), max_length=80)
    sources = models.ManyToManyField(State, verbose_name=_("从状态"), related_name="outgoing")
    target = models.ForeignKey(State, verbose_name=_("到状态"), on_delete=models.CASCADE, related_name="incoming")
    # Organization roles (accounts.Role values) or relational roles registered by the domain ("submitter", ...).
    roles = models.JSONField(_("可执行角色"), default=list, blank=True)
    conditions = models.JSONField(_("前提条件"), default=list, blank=True)
    requires_reason = models.BooleanField(_("须填写理由"), default=False)
    # {"required": ["grade"], "fields": {"grade": {"label": "...", "choices": ["A", "B", "C"]}}}: hints for forms
    # and a minimal check of the payload, so a domain page can render the fields without code.
    payload_schema = models.JSONField(_("附加信息格式"), default=dict, blank=True)
    notify = models.JSONField(_("通知角色"), default=list, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)
    style = models.CharField(
        _("按钮样式"), max_length=16, blank=True, help_text=_("primary、danger 等，供页面选择按钮样式。")
    )

    class Meta:
        verbose_name = _("流转")
        verbose_name_plural = _("流转")
        ordering = ["workflow", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["workflow", "key"], name="uniq_transition_key")]

    def __str__(self) -> str:
        return str(named(self.name))  # a default name in the reader's language


class WorkflowObject(models.Model):
    """Mixin for domain models that run through a workflow. The concrete model must have `organization`.

    Only services.start / services.transition / the deadline services write these fields."""

    workflow = models.ForeignKey(
        Workflow, verbose_name=_("流程"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    state = models.ForeignKey(
        State, verbose_name=_("状态"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    state_entered_at = models.DateTimeField(_("进入本状态时间"), null=True, blank=True)
    due_on = models.DateField(_("本环节到期日"), null=True, blank=True, db_index=True)
    deadline_extensions = models.PositiveSmallIntegerField(_("已延期次数"), default=0)
    overdue = models.BooleanField(_("已超期"), default=False)

    class Meta:
        abstract = True


class EventQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("Workflow events are append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Workflow events are append-only.")

    _raw_delete = delete  # type: ignore[assignment]

    def bulk_update(self, objs: Any, fields: Any, batch_size: Any = None) -> int:
        raise AppendOnlyError("Workflow events are append-only.")


class WorkflowEvent(models.Model):
    class Kind(models.TextChoices):
        START = "start", _("创建")
        TRANSITION = "transition", _("流转")
        DEADLINE = "deadline", _("调整期限")
        ESCALATION = "escalation", _("超期催办")

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    # Domain models use BigAutoField keys (settings.DEFAULT_AUTO_FIELD).
    object_id = models.BigIntegerField(_("对象编号"))
    organization_id = models.BigIntegerField(_("组织"), null=True, blank=True, db_index=True)
    workflow = models.ForeignKey(Workflow, verbose_name=_("流程"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices, default=Kind.TRANSITION)
    transition = models.ForeignKey(
        Transition, verbose_name=_("流转"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_state = models.ForeignKey(
        State, verbose_name=_("原状态"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_state = models.ForeignKey(State, verbose_name=_("新状态"), on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    # Kept as text too, so the timeline stays readable whatever happens to the account.
    actor_name = models.CharField(_("操作人姓名"), max_length=150, blank=True)
    # The names as they were at the time: an administrator may rename states later.
    transition_name = models.CharField(_("操作"), max_length=80, blank=True)
    from_state_name = models.CharField(_("原状态名称"), max_length=80, blank=True)
    to_state_name = models.CharField(_("新状态名称"), max_length=80, blank=True)
    payload = models.JSONField(_("附加信息"), default=dict, blank=True)
    reason = models.TextField(_("理由"), blank=True)
    due_on = models.DateField(_("到期日"), null=True, blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("流程记录")
        verbose_name_plural = _("流程记录")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.from_state_name} → {self.to_state_name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("Workflow events are append-only.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Workflow events are append-only.")


class CalendarDay(models.Model):
    """An exception to the Monday–Friday week: an official holiday, or a weekend day worked instead (调休).

    Years with at least one row are taken as fully described by the table; other years fall back to the
    chinese-calendar package, then to Monday–Friday (calendar.py)."""

    class Source(models.TextChoices):
        PACKAGE = "chinese_calendar", _("chinese-calendar 数据包")
        ADMIN = "admin", _("管理员维护")

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("工作日"))
    name = models.CharField(_("名称"), max_length=60, blank=True)
    source = models.CharField(_("来源"), max_length=20, choices=Source.choices, default=Source.ADMIN)

    class Meta:
        verbose_name = _("节假日与调休")
        verbose_name_plural = _("节假日与调休")
        ordering = ["date"]

    def __str__(self) -> str:
        from .holidays import day_name

        kind = _("上班") if self.is_workday else _("放假")
        return f"{self.date:%Y-%m-%d} {day_name(self.name)} {kind}"


class Reminder(models.Model):
    """A deadline reminder that was sent, so that daily reruns never send it twice."""

    class Kind(models.TextChoices):
        WARNING = "warning", _("到期提醒")
        OVERDUE = "overdue", _("超期催办")

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.BigIntegerField()
    state = models.ForeignKey(State, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    day = models.DateField(_("日期"))
    due_on = models.DateField(_("到期日"))
    recipients = models.PositiveIntegerField(_("通知人数"), default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("期限提醒记录")
        verbose_name_plural = _("期限提醒记录")
        ordering = ["-day", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "state", "kind", "day"], name="uniq_reminder_per_day"
            )
        ]
        indexes = [models.Index(fields=["content_type", "object_id", "state", "kind", "due_on"])]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.get_kind_display()} {self.content_type_id}:{self.object_id}"
