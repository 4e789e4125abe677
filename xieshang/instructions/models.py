"""批示: a leader's written instruction on a subject of a domain app (decision 0034).

The base knows nothing of its subjects: an instruction is attached by content type and id, and each domain app
declares a GenericRelation on its subject (opinions.Report.instructions, proposals.Proposal.key_instructions), through
which it reads, filters (`report__organization_id=…`) and prefetches. The rules of who may instruct, which level is
allowed and what follows (duty credit, notices) stay in the domain apps' services; `level` is free text here and
means something only to the app that uses it (opinions: the level of the leader, checked against the dispatches)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Instruction(models.Model):
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("批示领导（平台用户）"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    leader_name = models.CharField(_("批示领导"), max_length=60)
    leader_title = models.CharField(_("职务"), max_length=80, blank=True)
    level = models.CharField(_("领导层级"), max_length=12, blank=True)
    text = models.TextField(_("批示内容"))
    instructed_on = models.DateField(_("批示日期"), db_index=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("领导批示")
        verbose_name_plural = _("领导批示")
        ordering = ["instructed_on", "id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="instruction_subject")]

    def __str__(self) -> str:
        return f"{self.leader_name}：{self.text[:30]}"
