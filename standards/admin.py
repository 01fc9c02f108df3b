from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from sanzero.admin import ServiceAdminMixin

from . import services
from .models import StandardCode


@admin.register(StandardCode)
class StandardCodeAdmin(ServiceAdminMixin, SimpleHistoryAdmin):
    """国家标准代码对照: one row per word of our enumerations (added by ``codes_sync``, never by hand); the
    administrator fills in the code and its source, through the audited service, in the list or per row."""

    list_display = ("enumeration", "value", "code", "note", "updated_at")
    list_display_links = ("value",)
    list_editable = ("code", "note")
    list_filter = ("enumeration",)
    search_fields = ("value", "code")
    readonly_fields = ("enumeration", "value", "standard")
    fields = ("enumeration", "value", "standard", "code", "note")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def service_update(self, request, obj, data):
        services.standard_code_update(actor=request.user, obj=obj, data=data)
