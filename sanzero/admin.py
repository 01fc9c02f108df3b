from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "full_name", "role", "department", "is_active", "last_login")
    list_filter = ("role", "is_active", "department")
    search_fields = ("username", "full_name")
    filter_horizontal = ("scope_regions",)
    fieldsets = BaseUserAdmin.fieldsets + (("三零系统", {"fields": ("full_name", "role", "scope_regions", "department")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + (("三零系统", {"fields": ("full_name", "role", "scope_regions", "department")}),)
