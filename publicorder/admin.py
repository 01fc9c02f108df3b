from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from sanzero.admin import ReadOnlyAdminMixin

from .models import PublicOrderProblem


@admin.register(PublicOrderProblem)
class PublicOrderProblemAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("subject", "found_on", "category", "risk_level", "status", "due_on")
    list_filter = ("status", "category", "risk_level", "source")
    search_fields = ("description", "location")
    raw_id_fields = ("subject",)
    list_select_related = ("subject",)
