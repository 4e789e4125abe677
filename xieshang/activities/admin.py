from django.contrib import admin

from .models import ActivityKind


@admin.register(ActivityKind)
class ActivityKindAdmin(admin.ModelAdmin):
    """Kinds are configuration (the system administrator's); activities themselves are written through the pages."""

    list_display = ("name", "key", "organization", "attendance_rule_key", "leader_rule_key", "is_active")
    list_filter = ("organization", "is_active")
