"""The administrator's lists: regions, categories, departments, subjects and users. Every add, change and
delete runs through units.services with the administrator as the actor (sanzero.admin.ServiceAdminMixin)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from sanzero.admin import PersonalDataAdminMixin, ServiceAdminMixin, copy_stored, run_refusable
from sanzero.models import User
from sanzero.validators import mask_phone

from . import services
from .models import Category, Department, Region, Subject


@admin.register(Region)
class RegionAdmin(ServiceAdminMixin, SimpleHistoryAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)
    list_per_page = 50

    def get_readonly_fields(self, request, obj=None):
        # Codes and levels are keys referenced by subjects and snapshots: fix them by adding a region.
        return ("code", "level", "parent") if obj else ()

    def service_create(self, request, data):
        return services.region_create(
            actor=request.user, code=data["code"], name=data["name"], level=data["level"], parent=data.get("parent")
        )

    def service_update(self, request, obj, data):
        services.region_update(actor=request.user, region=obj, name=data["name"])

    def service_delete(self, request, obj):
        services.region_delete(actor=request.user, region=obj)


@admin.register(Category)
class CategoryAdmin(ServiceAdminMixin, SimpleHistoryAdmin):
    list_display = ("name", "group", "default_department", "sort_order")
    list_editable = ("sort_order",)

    def service_create(self, request, data):
        return services.category_create(actor=request.user, data=data)

    def service_update(self, request, obj, data):
        services.category_update(actor=request.user, category=obj, data=data)

    def service_delete(self, request, obj):
        services.category_delete(actor=request.user, category=obj)


@admin.register(Department)
class DepartmentAdmin(ServiceAdminMixin, SimpleHistoryAdmin):
    list_display = ("name", "short_name")

    def service_create(self, request, data):
        return services.department_create(actor=request.user, data=data)

    def service_update(self, request, obj, data):
        services.department_update(actor=request.user, department=obj, data=data)

    def service_delete(self, request, obj):
        services.department_delete(actor=request.user, department=obj)


@admin.register(Subject)
class SubjectAdmin(PersonalDataAdminMixin, ServiceAdminMixin, SimpleHistoryAdmin):
    personal_fields = {"phone": mask_phone}
    list_display = ("name", "category", "region", "department", "joined_on", "left_on")
    list_filter = ("category", "department")
    search_fields = ("name", "credit_code", "region__code")
    raw_id_fields = ("region",)
    list_select_related = ("category", "region", "department")
    # 退出创建 (left_on with its reason) is a step of its own on the subject's page (subject_deregister).
    readonly_fields = ("version", "village_region", "left_on", "left_reason")

    def service_create(self, request, data):
        return services.subject_create(actor=request.user, data=data)

    def service_update(self, request, obj, data):
        services.subject_update(actor=request.user, subject=obj, data=data)

    def has_delete_permission(self, request, obj=None):
        return False  # deregister instead: old months keep counting the subject


class UserAddForm(UserCreationForm):
    """The admin's 增加用户 form: always with a password (user_create sets one)."""


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, BaseUserAdmin):
    """Users (the model is the kernel's). A new one is created by units.services.user_create (the add_user command's service), so
    its history names the administrator who created it and the rules are the command's. Changes
    (role, scope, password, 停用) and deletions are Django's own user forms, recorded in the history
    with the administrator (simple-history); the history is for reading, never reverted."""

    list_display = ("username", "full_name", "role", "department", "is_active", "last_login")
    list_filter = ("role", "is_active", "department")
    search_fields = ("username", "full_name")
    # searched (Django admin's own autocomplete over RegionAdmin.search_fields), not every region listed
    autocomplete_fields = ("scope_regions",)
    fieldsets = BaseUserAdmin.fieldsets + (
        ("三零系统", {"fields": ("full_name", "role", "scope_regions", "department")}),
    )
    add_form = UserAddForm
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "password1", "password2")}),
        ("三零系统", {"fields": ("full_name", "role", "scope_regions", "department")}),
    )

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        data = form.cleaned_data
        department = data.get("department")
        created = services.user_create(
            actor=request.user,
            username=data["username"],
            role=data["role"],
            region_codes=[r.code for r in data.get("scope_regions") or ()],
            password=data["password1"],
            department_name=department.name if department else "",
            full_name=data.get("full_name", ""),
            check_password_strength=False,  # the form has run the password validators
        )
        copy_stored(created, obj)

    def save_related(self, request, form, formsets, change):
        if change:  # a new user's scope regions were set by user_create
            super().save_related(request, form, formsets, change)

    def add_view(self, request, form_url="", extra_context=None):
        return run_refusable(self, request, request.get_full_path(), super().add_view, form_url, extra_context)

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied("用户的变更记录只供查看，不能恢复。")
        return super().history_form_view(request, object_id, version_id, extra_context)
