"""What the office keeps as data for moderating what residents write: the blocklist of words, the reasons offered
when an entry is rejected, and the moderation mode (pre or post) of each kind of writing per organization."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _


class BlockedWord(models.Model):
    """A word that sends what contains it to the moderation queue, whatever the moderation mode (matching ignores
    case and spaces). No organization: shared by every organization (kept by an administrator in the admin)."""

    organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("组织"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    word = models.CharField(_("敏感词"), max_length=40)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("敏感词")
        verbose_name_plural = _("敏感词")
        constraints = [models.UniqueConstraint(fields=["organization", "word"], name="uniq_moderation_blocked_word")]

    def __str__(self) -> str:
        return self.word


class Reason(models.Model):
    """A reason offered to the moderator when he rejects or hides something: the author reads it (with the
    moderator's free text after it). No organization: offered everywhere."""

    organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("组织"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    text = models.CharField(_("理由"), max_length=120)
    text_en = models.CharField(_("理由（英文）"), max_length=120, blank=True)
    order = models.PositiveSmallIntegerField(_("顺序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("审核理由")
        verbose_name_plural = _("审核理由")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.label()

    def label(self) -> str:
        """The reason in the active language (the English text when there is one and English is active)."""
        if self.text_en and (translation.get_language() or "").startswith("en"):
            return self.text_en
        return self.text


class Mode(models.Model):
    """Pre- or post-moderation of one kind of writing (a registered kind without a mode of its own, e.g. room
    topics) in one organization. No row: the kind's default."""

    class Value(models.TextChoices):
        PRE = "pre", _("先审后发")
        POST = "post", _("先发后审")

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("内容类型"), max_length=60)
    mode = models.CharField(_("审核方式"), max_length=4, choices=Value.choices)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("审核方式")
        verbose_name_plural = _("审核方式")
        constraints = [models.UniqueConstraint(fields=["organization", "kind"], name="uniq_moderation_mode")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.mode}"
