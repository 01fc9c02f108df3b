from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import ExportJob, Holiday, ImportJob, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "full_name", "role", "department", "is_active", "last_login")
    list_filter = ("role", "is_active", "department")
    search_fields = ("username", "full_name")
    filter_horizontal = ("scope_regions",)
    fieldsets = BaseUserAdmin.fieldsets + (("三零系统", {"fields": ("full_name", "role", "scope_regions", "department")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + (("三零系统", {"fields": ("full_name", "role", "scope_regions", "department")}),)


class ReadOnlyAdminMixin:
    """An admin that only reads: records are written through the pages and their services (workflow,
    audit), never edited, added or deleted behind them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class _JobAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Import and export jobs for the administrator to look into: read-only, and without the files
    (an export's file is its owner's alone; an upload is opened from its job page)."""

    list_select_related = ("user",)
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name != "file"]

    def get_exclude(self, request, obj=None):
        return ("file",)


@admin.register(ImportJob)
class ImportJobAdmin(_JobAdmin):
    list_display = ("created_at", "user", "kind", "filename", "status", "total_rows", "new_rows", "changed_rows",
                    "unchanged_rows")
    list_filter = ("status", "kind")
    search_fields = ("filename", "user__username", "user__full_name")


@admin.register(ExportJob)
class ExportJobAdmin(_JobAdmin):
    list_display = ("created_at", "user", "label", "status", "row_count", "personal_data", "expires_at")
    list_filter = ("status", "personal_data")
    search_fields = ("label", "user__username", "user__full_name")


@admin.register(Holiday)
class HolidayAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The entered 节假日安排, to look at: changes go through the 节假日安排 page (audited, and every
    process is told through HolidayStamp)."""

    list_display = ("date", "kind", "name", "updated_at")
    list_filter = ("kind", "name")
    date_hierarchy = "date"
    search_fields = ("name",)
