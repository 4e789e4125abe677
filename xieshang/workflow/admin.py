from typing import Any

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import calendar, holidays, models


class StateInline(admin.TabularInline[Any, Any]):
    model = models.State
    extra = 0
    fields = [
        "order",
        "key",
        "name",
        "is_initial",
        "is_final",
        "allows",
        "tags",
        "deadline_amount",
        "deadline_unit",
        "deadline_max_amount",
        "warn_before",
        "warn_after_every",
        "responsible_roles",
        "escalate_roles",
        "extend_roles",
    ]


class TransitionInline(admin.StackedInline[Any, Any]):
    model = models.Transition
    fk_name = "workflow"
    extra = 0
    fields = [
        ("order", "key", "name", "is_active"),
        ("sources", "target"),
        ("roles", "conditions", "notify"),
        ("requires_reason", "style"),
        "payload_schema",
    ]
    filter_horizontal = ["sources"]

    def formfield_for_foreignkey(self, db_field: Any, request: Any, **kwargs: Any) -> Any:
        field: Any = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "target" and getattr(request, "_workflow_obj", None) is not None:
            field.queryset = field.queryset.filter(workflow=request._workflow_obj)
        return field

    def formfield_for_manytomany(self, db_field: Any, request: Any, **kwargs: Any) -> Any:
        field: Any = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "sources" and getattr(request, "_workflow_obj", None) is not None:
            field.queryset = field.queryset.filter(workflow=request._workflow_obj)
        return field


@admin.register(models.Workflow)
class WorkflowAdmin(admin.ModelAdmin[Any]):
    list_display = ["shown_name", "key", "organization", "is_active", "updated_at"]
    list_filter = ["is_active", "organization"]
    search_fields = ["name", "key"]
    inlines = [StateInline, TransitionInline]

    def get_form(self, request: Any, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        # Transition inlines may only point at this workflow's own states.
        request._workflow_obj = obj
        return super().get_form(request, obj, change=change, **kwargs)

    @admin.display(description=_("名称"), ordering="name")
    def shown_name(self, obj: Any) -> str:
        return str(obj)  # a default workflow's name in the page's language


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: Any) -> Any:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> Any:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> Any:
        return False


@admin.register(models.WorkflowEvent)
class WorkflowEventAdmin(ReadOnlyAdmin):
    list_display = [
        "at",
        "content_type",
        "object_id",
        "transition_name",
        "from_state_name",
        "to_state_name",
        "actor_name",
    ]
    list_filter = ["kind", "workflow", "content_type"]
    search_fields = ["actor_name", "reason", "object_id"]
    date_hierarchy = "at"


@admin.register(models.Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ["day", "kind", "content_type", "object_id", "state", "due_on", "recipients"]
    list_filter = ["kind", "day"]


@admin.register(models.CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin[Any]):
    list_display = ["date", "weekday", "is_workday", "day_name", "source"]
    list_filter = ["is_workday", "source"]
    search_fields = ["name"]
    date_hierarchy = "date"
    fields = ["date", "is_workday", "name"]

    @admin.display(description=_("名称"), ordering="name")
    def day_name(self, obj: Any) -> str:
        return holidays.day_name(obj.name)  # a package's holiday in the page's language (元旦 / New Year's Day)

    @admin.display(description=_("星期"))
    def weekday(self, obj: Any) -> Any:
        from django.utils.dates import WEEKDAYS_ABBR

        return WEEKDAYS_ABBR[obj.date.weekday()]  # in the page's language (周一 / Mon)

    def save_model(self, request: Any, obj: Any, form: Any, change: Any) -> None:
        # An administrator's correction must survive the next seed_calendar run.
        obj.source = models.CalendarDay.Source.ADMIN
        super().save_model(request, obj, form, change)
        calendar.invalidate()
