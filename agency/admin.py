from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from sanzero.admin import ReadOnlyAdminMixin

from .models import Agency


@admin.register(Agency)
class AgencyAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    # Read-only: records are written on their pages (agency.services), audited there.
    list_display = ("taken_on", "petition", "dispute", "source", "included", "level", "secretary", "status")
    list_filter = ("source", "included", "level", "status")
    raw_id_fields = ("petition", "dispute")
    list_select_related = ("petition__subject", "dispute__subject")
