from django.contrib import admin

from .models import OpinionSettings, Recipient


@admin.register(OpinionSettings)
class OpinionSettingsAdmin(admin.ModelAdmin):
    list_display = ("organization", "body_max_chars", "title_max_chars", "attachment_max_count")


@admin.register(Recipient)
class RecipientAdmin(admin.ModelAdmin):
    list_display = ("name", "organization", "level", "target_organization", "order", "is_active")
    list_filter = ("organization", "level", "is_active")
    filter_horizontal = ("users",)
