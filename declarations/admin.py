from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from sanzero.admin import ReadOnlyAdminMixin

from .models import Declaration


@admin.register(Declaration)
class DeclarationAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("region", "month", "kind", "entry_total", "declared_by", "declared_at")
    list_filter = ("kind", "month")
    search_fields = ("region__name", "region__code")
    list_select_related = ("region", "declared_by")
