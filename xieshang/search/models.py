"""Storage of the search app: the user dictionary, the full-text index rows, routing models and their log.

The index is one table for every registered document type. Full-text structures live beside it and are created by
migration 0002 for the database in use: an FTS5 external-content table on SQLite, a generated tsvector column with a
GIN index on PostgreSQL. Django never reads those directly; the back-ends in search/backends/ do.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DictionaryWord(models.Model):
    """A word the segmenter must keep whole (unit names, places, terms of art).

    Segmentation is platform-wide so that a query cuts the same way as every document it may reach, including shared
    ones of partner organizations; ``organization`` says who maintains the word and whose suggestions show it.
    """

    class Kind(models.TextChoices):
        UNIT = "unit", _("单位名称")
        PLACE = "place", _("地名")
        TERM = "term", _("专业术语")

    organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("所属组织"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="dictionary_words",
        help_text=_("留空表示全平台通用。"),
    )
    word = models.CharField(_("词语"), max_length=40)
    frequency = models.PositiveIntegerField(_("词频"), null=True, blank=True, help_text=_("一般留空，由系统决定。"))
    kind = models.CharField(_("类别"), max_length=8, choices=Kind.choices, default=Kind.TERM)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("添加人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    added_at = models.DateTimeField(_("添加时间"), default=timezone.now)

    class Meta:
        verbose_name = _("分词词典词条")
        verbose_name_plural = _("分词词典")
        ordering = ["kind", "word"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "word"], name="uniq_dictionary_word"),
            models.UniqueConstraint(
                fields=["word"], condition=models.Q(organization__isnull=True), name="uniq_platform_dictionary_word"
            ),
        ]

    def __str__(self) -> str:
        return self.word


class SearchCounter(models.Model):
    """Named monotonic counters: the dictionary version, the index change sequence, per-organization index versions.

    Kept in the database rather than the cache: with the default per-process cache, a cache counter would not tell
    the other processes that the dictionary changed."""

    key = models.CharField(max_length=60, unique=True)
    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


class SearchDocument(models.Model):
    """One indexed object of a registered document type, with what the permission filter needs in plain columns."""

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("公开")
        ORGANIZATION = "organization", _("本组织")
        RESTRICTED = "restricted", _("指定人员")

    doc_type = models.CharField(max_length=40)
    object_id = models.BigIntegerField()
    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="+")
    # Filter columns come before the text: SQLite stores a row's columns in this order, and the permission filter
    # then reads them without walking the overflow pages of a long body.
    visibility = models.CharField(max_length=16, choices=Visibility.choices, default=Visibility.ORGANIZATION)
    year = models.SmallIntegerField(null=True, blank=True)
    state = models.CharField(max_length=40, blank=True)
    sector_id = models.IntegerField(null=True, blank=True)
    # Id lists as " 3 17 42 " so that both databases filter with LIKE '% 17 %' without a join table per list.
    unit_ids = models.CharField(max_length=500, blank=True)
    viewer_roles = models.CharField(max_length=300, blank=True)
    viewer_unit_ids = models.CharField(max_length=500, blank=True)
    viewer_user_ids = models.TextField(blank=True)
    category = models.CharField(max_length=40, blank=True)
    doc_date = models.DateField(null=True, blank=True)
    seq = models.BigIntegerField(default=0, db_index=True)
    dictionary_version = models.BigIntegerField(default=0)
    indexed_at = models.DateTimeField(default=timezone.now)
    url = models.CharField(max_length=300, blank=True)
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    seg_title = models.TextField(blank=True)
    seg_body = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["doc_type", "object_id"], name="uniq_search_document")]
        indexes = [models.Index(fields=["organization", "doc_type", "year"], name="search_doc_org_type_year")]

    def __str__(self) -> str:
        return f"{self.doc_type}:{self.object_id} {self.title[:40]}"


class SearchRemoval(models.Model):
    """A document that left the index, so that in-process similarity indexes of other processes drop it too."""

    organization_id = models.BigIntegerField()
    doc_type = models.CharField(max_length=40)
    object_id = models.BigIntegerField()
    seq = models.BigIntegerField(db_index=True)
    at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.doc_type}:{self.object_id} removed at {self.seq}"


class RoutingModelStore(models.Model):
    """The trained handling-unit routing model of one organization (bytes from search.text.routing.RoutingModel)."""

    organization = models.OneToOneField("accounts.Organization", on_delete=models.CASCADE, related_name="routing_model")
    data = models.BinaryField()
    method = models.CharField(max_length=20)
    n_examples = models.PositiveIntegerField(default=0)
    # {unit name: unit id}: the keyword fallback names units, the classifier uses ids; renames must not break either.
    unit_map = models.JSONField(default=dict)
    trained_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("承办单位建议模型")
        verbose_name_plural = _("承办单位建议模型")

    def __str__(self) -> str:
        return f"{self.organization_id} {self.method} {self.trained_at:%Y-%m-%d}"


class RoutingSuggestion(models.Model):
    """What was suggested for one object and what staff chose: the ground truth of the accuracy report."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="+")
    doc_type = models.CharField(max_length=40, blank=True)
    object_id = models.BigIntegerField(null=True, blank=True)
    # [{"unit_id": 3, "confidence": 0.71}, ...] best first, at most three.
    suggested = models.JSONField(default=list)
    method = models.CharField(max_length=20, blank=True)
    chosen_unit = models.ForeignKey(
        "accounts.HandlingUnit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    chosen_rank = models.PositiveSmallIntegerField(null=True, blank=True)
    accepted = models.BooleanField(null=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["doc_type", "object_id"], name="search_routing_object"),
            models.Index(fields=["organization", "at"], name="search_routing_org_at"),
        ]

    def __str__(self) -> str:
        return f"{self.doc_type}:{self.object_id} → {self.chosen_unit_id or '?'}"
