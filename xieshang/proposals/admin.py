"""Proposal configuration in the Django admin: categories, grounds for not filing and the organization's numbers,
kept by the system administrator alone (三员分立)."""

from django.contrib import admin

from xieshang.accounts.admin import SystemAdminOnly

from .models import Category, NotFiledGround, ProposalSettings


@admin.register(Category)
class CategoryAdmin(SystemAdminOnly, admin.ModelAdmin):
    list_display = ["name", "organization", "order"]
    list_filter = ["organization"]


@admin.register(NotFiledGround)
class NotFiledGroundAdmin(SystemAdminOnly, admin.ModelAdmin):
    list_display = ["__str__", "organization", "order"]
    list_filter = ["organization"]


@admin.register(ProposalSettings)
class ProposalSettingsAdmin(SystemAdminOnly, admin.ModelAdmin):
    list_display = ["__str__", "organization"]
