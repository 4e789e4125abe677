from django.contrib import admin

from .models import Article, Consultation, Dispatch, Outcome, Photo, Room, Topic


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ("name", "community", "convener", "is_public")
    raw_id_fields = ("convener",)


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("title", "organization", "published_at")


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    list_display = ("caption", "organization", "created_at")


@admin.register(Consultation)
class ConsultationAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "planned_date", "state")
    readonly_fields = ("workflow", "state", "state_entered_at", "due_on", "deadline_extensions", "overdue")


admin.site.register(Dispatch)
admin.site.register(Topic)
admin.site.register(Outcome)
