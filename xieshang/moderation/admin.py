from django.contrib import admin

from .models import BlockedWord, Mode, Reason


@admin.register(BlockedWord)
class BlockedWordAdmin(admin.ModelAdmin):
    list_display = ("word", "organization", "created_at")
    list_filter = ("organization",)
    search_fields = ("word",)


@admin.register(Reason)
class ReasonAdmin(admin.ModelAdmin):
    list_display = ("text", "text_en", "organization", "order", "is_active")
    list_filter = ("organization", "is_active")


@admin.register(Mode)
class ModeAdmin(admin.ModelAdmin):
    list_display = ("kind", "organization", "mode", "updated_at")
