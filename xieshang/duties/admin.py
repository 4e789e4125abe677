from django.contrib import admin

from .models import DutyEntry, DutyRule


@admin.register(DutyRule)
class DutyRuleAdmin(admin.ModelAdmin):
    list_display = ("key", "label", "kind", "points", "cap_per_year", "organization", "is_active")
    list_filter = ("kind", "organization", "is_active")


@admin.register(DutyEntry)
class DutyEntryAdmin(admin.ModelAdmin):
    list_display = ("member", "organization", "year", "kind", "points", "source_label", "occurred_on")
    list_filter = ("organization", "year", "kind")
    search_fields = ("member__name", "member__username", "source_label")

    # Entries are written by duty_credit only; the admin is for reading them.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
