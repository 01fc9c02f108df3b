from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import Category, Department, Region, Subject


@admin.register(Region)
class RegionAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)
    list_per_page = 50

    def get_readonly_fields(self, request, obj=None):
        # Codes and levels are keys referenced by subjects and snapshots: fix them by adding a region.
        return ("code", "level", "parent") if obj else ()

    def save_model(self, request, obj, form, change):
        if change:
            services.region_update(actor=request.user, region=obj, name=form.cleaned_data["name"])
        else:
            created = services.region_create(
                actor=request.user, code=obj.code, name=obj.name, level=obj.level, parent=obj.parent
            )
            obj.pk = created.pk


@admin.register(Category)
class CategoryAdmin(SimpleHistoryAdmin):
    list_display = ("name", "group", "default_department", "sort_order")
    list_editable = ("sort_order",)


@admin.register(Department)
class DepartmentAdmin(SimpleHistoryAdmin):
    list_display = ("name", "short_name")


@admin.register(Subject)
class SubjectAdmin(SimpleHistoryAdmin):
    list_display = ("name", "category", "region", "department", "joined_on", "left_on")
    list_filter = ("category", "department")
    search_fields = ("name", "credit_code", "region__code")
    raw_id_fields = ("region",)
    list_select_related = ("category", "region", "department")
    readonly_fields = ("version", "village_region")

    def has_delete_permission(self, request, obj=None):
        return False  # deregister instead: old months keep counting the subject
