"""Every write made in the Django admin is audited: a ModelAdmin mixin that the platform's admin site adds to every
admin registered with it, whoever wrote the admin (our apps, django-otp, the task queue). Django's own admin log
(LogEntry) is kept too; the audit trail is the record that counts (chained, append-only)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.apps import AdminConfig

# Fields whose values never enter the trail, only the fact that they changed.
SECRET_FIELDS = ("password", "key", "secret", "token")


def _shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple | set) or hasattr(value, "model"):  # a many-to-many selection
        return ", ".join(str(v) for v in value)[:200]
    return str(value)[:200]


class AuditedAdminMixin:
    """Additions, changes (with each changed field's old and new value), deletions and bulk actions in the admin
    become audit rows."""

    def save_model(self, request, obj, form, change):
        changes = {}
        for name in getattr(form, "changed_data", []):
            if any(secret in name for secret in SECRET_FIELDS):
                changes[name] = ["***", "***"]
            else:
                changes[name] = [_shown(form.initial.get(name)), _shown(form.cleaned_data.get(name))]
        request._xieshang_admin_changes = changes
        super().save_model(request, obj, form, change)  # type: ignore[misc]

    def _audit(self, request, action, obj, message="", **extra):
        from .services import audit_record

        detail = {"model": obj._meta.label_lower, **extra}
        if message:
            detail["message"] = message if isinstance(message, str) else str(message)
        changes = getattr(request, "_xieshang_admin_changes", None)
        if changes:
            detail["changes"] = changes
            request._xieshang_admin_changes = None
        audit_record(actor=request.user, action=action, obj=obj, detail=detail)

    def log_addition(self, request, obj, message):
        self._audit(request, "admin.added", obj, message)
        return super().log_addition(request, obj, message)  # type: ignore[misc]

    def log_change(self, request, obj, message):
        self._audit(request, "admin.changed", obj, message)
        return super().log_change(request, obj, message)  # type: ignore[misc]

    def log_deletions(self, request, queryset):
        for obj in queryset:
            self._audit(request, "admin.deleted", obj)
        return super().log_deletions(request, queryset)  # type: ignore[misc]

    def response_action(self, request, queryset):
        from .services import audit_record

        name = request.POST.get("action", "")
        if name and name != "delete_selected":  # deletions are recorded one row each by log_deletions
            selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
            audit_record(
                actor=request.user,
                action="admin.action",
                object_type=self.model._meta.label_lower,  # type: ignore[attr-defined]
                detail={"action": name, "selected": selected[:100], "count": len(selected)},
            )
        return super().response_action(request, queryset)  # type: ignore[misc]


class AuditedAdminSite(admin.AdminSite):
    """The admin site: each admin registered gets AuditedAdminMixin in front of its own class."""

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, AuditedAdminMixin):
            admin_class = type(f"Audited{admin_class.__name__}", (AuditedAdminMixin, admin_class), {})
            admin_class.__module__ = __name__
        return super().register(model_or_iterable, admin_class, **options)


class AuditedAdminConfig(AdminConfig):
    default_site = "xieshang.audit.admin.AuditedAdminSite"
