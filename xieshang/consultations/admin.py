from django.contrib import admin

from . import search_wiring
from .models import Article, Call, Consultation, Dispatch, Entry, Outcome, Photo, Room, Topic


class ReindexOnEdit:
    """Raw edits of an indexed row re-index it (docs/decisions/0008-side-effects.md): `reindex(pk)` names what the row
    decides in search, called before a delete too, while the rows a cascade removes can still be found."""

    reindex = staticmethod(lambda pk: None)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self.reindex(obj.pk)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)  # many-to-many (a consultation's hosts) saved last
        self.reindex(form.instance.pk)

    def delete_model(self, request, obj):
        self.reindex(obj.pk)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for pk in queryset.values_list("pk", flat=True):
            self.reindex(pk)
        super().delete_queryset(request, queryset)


@admin.register(Room)
class RoomAdmin(ReindexOnEdit, admin.ModelAdmin):
    reindex = staticmethod(search_wiring.index_room)
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
class ConsultationAdmin(ReindexOnEdit, admin.ModelAdmin):
    reindex = staticmethod(search_wiring.index_consultation)
    list_display = ("title", "kind", "planned_date", "state")
    readonly_fields = ("workflow", "state", "state_entered_at", "due_on", "deadline_extensions", "overdue")


def _topic_and_outcomes(pk) -> None:
    search_wiring.index_topic(pk)
    for outcome_id in Outcome.objects.filter(topic_id=pk).values_list("pk", flat=True):
        search_wiring.index_outcome(outcome_id)


@admin.register(Topic)
class TopicAdmin(ReindexOnEdit, admin.ModelAdmin):
    reindex = staticmethod(_topic_and_outcomes)


@admin.register(Outcome)
class OutcomeAdmin(ReindexOnEdit, admin.ModelAdmin):
    reindex = staticmethod(search_wiring.index_outcome)


admin.site.register(Dispatch)


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ("question", "consultation", "kind", "moderation", "opens_at", "closes_at")
    raw_id_fields = ("consultation", "summary", "created_by")


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    """Entries are decided in the staff's queue (with the audit row); here they can only be looked at."""

    list_display = ("__str__", "call", "status", "support_count", "created_at")
    list_filter = ("status",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
