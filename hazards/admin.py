from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Accident, Hazard


@admin.register(Hazard)
class HazardAdmin(SimpleHistoryAdmin):
    list_display = ("subject", "found_on", "category", "level", "status", "due_on")
    list_filter = ("status", "level", "category")
    raw_id_fields = ("subject",)
    list_select_related = ("subject",)

    def has_add_permission(self, request):
        return False  # entries are written through the ledger pages (services, workflow, audit)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Accident)
class AccidentAdmin(HazardAdmin):
    list_display = ("subject", "occurred_on", "kind", "deaths", "injuries", "grade", "status")
    list_filter = ("status", "kind", "grade")
