from django.contrib import admin

from .models import Conversation, OpinionMap, Statement


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ("title", "organization", "is_open", "moderation", "allow_anonymous", "created_at")
    list_filter = ("organization", "is_open", "moderation")
    search_fields = ("title",)
    readonly_fields = ("created_by", "created_at", "closed_at")


@admin.register(Statement)
class StatementAdmin(admin.ModelAdmin):
    list_display = ("number", "conversation", "status", "is_seed", "created_at")
    list_filter = ("status",)
    search_fields = ("text",)
    raw_id_fields = ("conversation", "author", "moderated_by")


@admin.register(OpinionMap)
class OpinionMapAdmin(admin.ModelAdmin):
    list_display = ("conversation", "computed_at", "n_votes", "pending", "seconds")
    readonly_fields = ("state", "result", "computed_at", "source_started_at", "seconds", "n_votes", "requested_at")
