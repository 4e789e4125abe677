from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from xieshang.audit.services import audit_record

from . import models
from .rules import is_system_admin
from .services import user_unlock


class SystemAdminOnly:
    """A ModelAdmin mixin for configuration kept by the system administrator alone (三员分立) in apps whose rules
    name no permission for it: workflows' neighbours such as proposal categories and settings."""

    def _system_admin(self, request) -> bool:
        return request.user.is_active and is_system_admin(request.user)

    def has_module_permission(self, request):
        return self._system_admin(request)

    def has_view_permission(self, request, obj=None):
        return self._system_admin(request)

    def has_add_permission(self, request, *args):
        return self._system_admin(request)

    def has_change_permission(self, request, obj=None):
        return self._system_admin(request)

    def has_delete_permission(self, request, obj=None):
        return self._system_admin(request)


@admin.register(models.Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "level", "parent", "is_active"]
    list_filter = ["level", "is_active"]
    search_fields = ["name", "short_name", "code"]


@admin.register(models.Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "since"]
    filter_horizontal = ["organizations"]


@admin.register(models.Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "order"]
    list_filter = ["organization"]


@admin.register(models.SpecialCommittee)
class SpecialCommitteeAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "organization"]
    list_filter = ["organization"]


@admin.register(models.HandlingUnit)
class HandlingUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "organization", "is_active"]
    list_filter = ["organization", "kind", "is_active"]
    search_fields = ["name", "short_name", "keywords"]


@admin.register(models.Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "district", "organization"]
    list_filter = ["organization", "kind", "district"]
    search_fields = ["name"]


class RoleGrantInlineFormSet(BaseInlineFormSet):
    """三员分立 across the rows of one account's grants submitted together (each row alone is checked by
    RoleGrant.clean against the grants already stored)."""

    def clean(self):
        super().clean()
        admin_roles = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if data and not data.get("DELETE") and data.get("role") in models.ADMIN_ROLES:
                admin_roles.append(data["role"])
        distinct = list(dict.fromkeys(admin_roles))
        if len(distinct) > 1:
            raise ValidationError(models.separation_message(distinct[1], distinct[0]))


class RoleGrantInline(admin.TabularInline):
    model = models.RoleGrant
    formset = RoleGrantInlineFormSet
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["handling_unit"]
    exclude = ["granted_by"]


@admin.register(models.RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):
    """Role grants on their own page for the security administrator (also inline on each account)."""

    list_display = ["user", "role", "organization", "handling_unit", "committee", "granted_at", "granted_by"]
    list_filter = ["role", "organization"]
    search_fields = ["user__username", "user__name"]
    autocomplete_fields = ["user", "handling_unit"]
    exclude = ["granted_by", "granted_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.granted_by = request.user
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action="role.granted" if not change else "role.changed",
            obj=obj,
            organization=obj.organization,
            detail={"role": obj.role, "user": obj.user_id},
        )

    def delete_model(self, request, obj):
        audit_record(
            actor=request.user,
            action="role.revoked",
            obj=obj,
            organization=obj.organization,
            detail={"role": obj.role, "user": obj.user_id},
        )
        super().delete_model(request, obj)


@admin.register(models.User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "name", "phone", "is_active", "locked_until", "last_login"]
    list_filter = ["is_active", "role_grants__role", "role_grants__organization"]
    search_fields = ["username", "name", "phone"]
    # The superuser flag and Django's own permission tables are not used: rights come from roles (RoleGrant).
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("name", "phone", "email")}),
        (_("安全"), {"fields": ("is_active", "is_staff", "must_change_password", "failed_logins", "locked_until")}),
        (_("时间"), {"fields": ("last_login", "date_joined", "password_changed_at")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "name", "phone", "password1", "password2")}),)
    readonly_fields = ["last_login", "date_joined", "password_changed_at", "failed_logins"]
    inlines = [RoleGrantInline]
    actions = ["unlock"]

    @admin.action(description=_("解锁所选账户"))
    def unlock(self, request, queryset):
        for user in queryset:
            user_unlock(actor=request.user, user=user)
        messages.success(request, _("已解锁。"))

    def save_model(self, request, obj, form, change):
        if not change:
            obj.must_change_password = True  # an initial password set by an administrator must be changed
        super().save_model(request, obj, form, change)


@admin.register(models.MemberProfile)
class MemberProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "term", "sector", "is_standing"]
    list_filter = ["organization", "term", "sector", "is_standing"]
    search_fields = ["user__name", "user__username"]
    autocomplete_fields = ["user"]
    filter_horizontal = ["committees"]


@admin.register(models.SecurityPolicy)
class SecurityPolicyAdmin(admin.ModelAdmin):
    list_display = [
        "lockout_threshold",
        "lockout_minutes",
        "idle_timeout_minutes",
        "password_max_age_days",
        "staff_second_factor",
        "updated_at",
    ]

    def save_model(self, request, obj, form, change):
        from .policy import forget_policy

        super().save_model(request, obj, form, change)
        forget_policy()
