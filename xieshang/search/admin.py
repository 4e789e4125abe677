from django.contrib import admin

from .dictionary import add_word, remove_word
from .models import DictionaryWord, RoutingModelStore, RoutingSuggestion


@admin.register(DictionaryWord)
class DictionaryWordAdmin(admin.ModelAdmin):
    list_display = ["word", "kind", "organization", "frequency", "added_by", "added_at"]
    list_filter = ["kind", "organization"]
    search_fields = ["word"]
    readonly_fields = ["added_by", "added_at"]

    # Through the services: a word saved here must bump the dictionary version and re-cut old documents too.
    def save_model(self, request, obj, form, change):
        if change:
            old = DictionaryWord.objects.get(pk=obj.pk)
            if old.word != obj.word or old.organization_id != obj.organization_id:
                remove_word(actor=request.user, entry=old)
        entry = add_word(
            actor=request.user, word=obj.word, organization=obj.organization, kind=obj.kind, frequency=obj.frequency
        )
        obj.pk = entry.pk

    def delete_model(self, request, obj):
        remove_word(actor=request.user, entry=obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            remove_word(actor=request.user, entry=obj)


@admin.register(RoutingModelStore)
class RoutingModelStoreAdmin(admin.ModelAdmin):
    list_display = ["organization", "method", "n_examples", "trained_at"]
    exclude = ["data"]
    readonly_fields = ["organization", "method", "n_examples", "unit_map", "trained_at"]


@admin.register(RoutingSuggestion)
class RoutingSuggestionAdmin(admin.ModelAdmin):
    list_display = ["organization", "doc_type", "object_id", "method", "chosen_unit", "chosen_rank", "at"]
    list_filter = ["organization", "method", "accepted"]
    readonly_fields = [f.name for f in RoutingSuggestion._meta.fields]
