from django.contrib import admin

from .models import Article, Consultation, Dispatch, Outcome, Photo, Room, Topic


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ("name", "community", "convener", "is_public")
    raw_id_fields = ("convener",)


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("title", "organization", "is_published", "published_at")
    list_filter = ("is_published",)


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    """Photos are uploaded on the staff pages, where the content is checked and the metadata stripped; here they
    can only be looked at, corrected (description, caption) or unpublished."""

    list_display = ("caption", "organization", "is_published", "created_at")
    list_filter = ("is_published",)
    readonly_fields = ("image", "width", "height", "organization", "consultation", "room", "created_by", "created_at")

    def has_add_permission(self, request):
        return False


@admin.register(Consultation)
class ConsultationAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "planned_date", "state")
    readonly_fields = ("workflow", "state", "state_entered_at", "due_on", "deadline_extensions", "overdue")


admin.site.register(Dispatch)
admin.site.register(Topic)
admin.site.register(Outcome)
