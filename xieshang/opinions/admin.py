from django.contrib import admin
from django.db import transaction

from . import search_wiring
from .models import OpinionSettings, Recipient


@admin.register(OpinionSettings)
class OpinionSettingsAdmin(admin.ModelAdmin):
    list_display = ("organization", "body_max_chars", "title_max_chars", "attachment_max_count")


@admin.register(Recipient)
class RecipientAdmin(admin.ModelAdmin):
    list_display = ("name", "organization", "level", "target_organization", "order", "is_active")
    list_filter = ("organization", "level", "is_active")
    filter_horizontal = ("users",)

    def save_related(self, request, form, formsets, change):
        """The recipient's accounts read what was sent to it: search follows (decision 0008: the admin's edits
        re-index through the admin)."""
        super().save_related(request, form, formsets, change)
        if change:
            recipient_id = form.instance.pk
            transaction.on_commit(lambda: search_wiring.index_sent_to([recipient_id]))
