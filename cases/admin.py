from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import PoliceCase


@admin.register(PoliceCase)
class PoliceCaseAdmin(SimpleHistoryAdmin):
    list_display = ("subject", "occurred_on", "kind", "major_influence", "cause", "unit", "status")
    list_filter = ("status", "kind", "major_influence")
    search_fields = ("case_no", "cause")
    raw_id_fields = ("subject",)
    list_select_related = ("subject",)

    def has_add_permission(self, request):
        return False  # entries are written through the ledger pages (services, workflow, audit)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
