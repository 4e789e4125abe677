from django.contrib import admin

from .models import Instruction


@admin.register(Instruction)
class InstructionAdmin(admin.ModelAdmin):
    """Read in the admin; written through the domain apps' services (their rules, credits and notices)."""

    list_display = ("instructed_on", "leader_name", "leader_title", "level", "content_type", "object_id")
    list_filter = ("content_type", "level")
    search_fields = ("leader_name", "text")
    date_hierarchy = "instructed_on"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
