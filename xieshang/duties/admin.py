from django.contrib import admin

from .models import DutyEntry, DutyKind, DutyReport, DutyRequirement, DutyRule, DutySettings


@admin.register(DutyKind)
class DutyKindAdmin(admin.ModelAdmin):
    list_display = ("key", "label", "label_en", "attendance", "section", "order", "organization")
    list_filter = ("organization", "section")


@admin.register(DutyRule)
class DutyRuleAdmin(admin.ModelAdmin):
    list_display = ("key", "year_from", "label", "kind", "points", "cap_per_year", "organization", "is_active")
    list_filter = ("kind", "organization", "is_active", "year_from")


@admin.register(DutyRequirement)
class DutyRequirementAdmin(admin.ModelAdmin):
    list_display = ("label", "measure", "minimum", "standing_only", "organization", "is_active")
    list_filter = ("organization", "measure", "is_active")


@admin.register(DutySettings)
class DutySettingsAdmin(admin.ModelAdmin):
    list_display = ("organization", "excellent_min", "pass_min", "basic_min")


@admin.register(DutyEntry)
class DutyEntryAdmin(admin.ModelAdmin):
    list_display = ("member", "organization", "year", "kind", "points", "source_label", "occurred_on")
    list_filter = ("organization", "year", "kind")
    search_fields = ("member__name", "member__username", "source_label")

    # Entries are written by duties.services.credit only; the admin is for reading them.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DutyReport)
class DutyReportAdmin(admin.ModelAdmin):
    list_display = ("title", "member", "organization", "year", "state")
    list_filter = ("organization", "year", "state")

    # Reports are written through the report pages (services.reports); the admin is for reading them.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
