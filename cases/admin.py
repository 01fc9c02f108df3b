from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from sanzero.admin import ReadOnlyAdminMixin

from .models import PoliceCase


@admin.register(PoliceCase)
class PoliceCaseAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("subject", "occurred_on", "kind", "major_influence", "cause", "unit", "status")
    list_filter = ("status", "kind", "major_influence")
    search_fields = ("case_no", "cause")
    raw_id_fields = ("subject",)
    list_select_related = ("subject",)
