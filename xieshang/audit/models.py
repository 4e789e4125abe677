"""The append-only audit trail: who did what to which object, with what result, from where and when."""

from django.conf import settings
from django.db import models, router, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Raised when code tries to change or remove an audit row."""


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("The audit trail is append-only.")

    def delete(self):
        raise AppendOnlyError("The audit trail is append-only.")

    _raw_delete = delete

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("The audit trail is append-only.")

    def bulk_create(self, objs, *args, **kwargs):
        # Each row must be chained to the one before it (audit.chain): rows are written one by one through save().
        objs = list(objs)
        for obj in objs:
            obj.save()
        return objs


class AuditEntry(models.Model):
    class Result(models.TextChoices):
        SUCCESS = "success", _("成功")
        FAILURE = "failure", _("失败")
        DENIED = "denied", _("拒绝")

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    # Kept as text too, so that the row stays readable whatever happens to the account.
    actor_name = models.CharField(_("操作人姓名"), max_length=150, blank=True)
    organization_id = models.BigIntegerField(_("组织"), null=True, blank=True, db_index=True)
    action = models.CharField(_("操作"), max_length=80, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=80, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    result = models.CharField(_("结果"), max_length=10, choices=Result.choices, default=Result.SUCCESS)
    ip_address = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)
    # The hash chain (audit.chain): the previous row's hash in this organization's chain and this row's own.
    prev_hash = models.CharField(_("前一记录摘要"), max_length=64, blank=True, editable=False)
    row_hash = models.CharField(_("记录摘要"), max_length=64, blank=True, editable=False)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["actor", "-at"]),
            models.Index(fields=["organization_id", "id"], name="audit_chain_idx"),
        ]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("The audit trail is append-only.")
        kwargs["force_insert"] = True
        from . import chain

        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        self.detail = chain.normalize_detail(self.detail)
        with transaction.atomic(using=using):
            connection = transaction.get_connection(using)
            chain.lock_chain(connection, self.organization_id)
            self.prev_hash = chain.chain_head(type(self), self.organization_id, using)
            self.row_hash = chain.row_hash(self, self.prev_hash)
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The audit trail is append-only.")

    @property
    def action_label(self) -> str:
        """The action in the reader's language (audit.actions); `action` keeps the code for the data and exports."""
        from .actions import action_label

        return action_label(self.action)


class AuditArchive(models.Model):
    """Rows moved out of the table by audit_archive (past the retention period): where they went and the chain head
    they ended at, so that audit_verify starts each chain from there."""

    at = models.DateTimeField(_("归档时间"), default=timezone.now)
    organization_id = models.BigIntegerField(_("组织"), null=True, blank=True)
    last_id = models.BigIntegerField(_("最后归档记录"))
    last_hash = models.CharField(_("最后归档记录摘要"), max_length=64)
    rows = models.PositiveIntegerField(_("归档条数"))
    file_name = models.CharField(_("归档文件"), max_length=255)
    file_sha256 = models.CharField(_("归档文件摘要"), max_length=64)

    class Meta:
        verbose_name = _("审计归档")
        verbose_name_plural = _("审计归档")
        ordering = ["-at"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} {self.file_name} ({self.rows})"
