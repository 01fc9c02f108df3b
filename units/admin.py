"""The administrator's lists: regions, categories, departments and subjects. Every add, change and
delete runs through units.services with the administrator as the actor (sanzero.admin.ServiceAdminMixin)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from sanzero.admin import ServiceAdminMixin

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
        return services.region_create(actor=request.user, code=data["code"], name=data["name"], level=data["level"],
                                      parent=data.get("parent"))

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
class SubjectAdmin(ServiceAdminMixin, SimpleHistoryAdmin):
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
