from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from sanzero.admin import ReadOnlyAdminMixin

from .models import Accident, Hazard


@admin.register(Hazard)
class HazardAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("subject", "found_on", "category", "level", "status", "due_on")
    list_filter = ("status", "level", "category")
    raw_id_fields = ("subject",)
    list_select_related = ("subject",)


@admin.register(Accident)
class AccidentAdmin(HazardAdmin):
    list_display = ("subject", "occurred_on", "kind", "deaths", "injuries", "serious_injuries", "grade", "status")
    list_filter = ("status", "kind", "grade")
