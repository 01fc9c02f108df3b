from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from sanzero.admin import ReadOnlyAdminMixin, ServiceAdminMixin

from . import services
from .models import Dispute, DisputeEscalation, FollowUpVisit, MediationLevel


class EscalationInline(admin.TabularInline):
    model = DisputeEscalation
    extra = 0
    fields = ("at", "from_level", "to_level", "by", "reason", "previous_due_on")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class VisitInline(admin.TabularInline):
    model = FollowUpVisit
    extra = 0
    fields = ("visited_on", "by", "performance_ok", "note")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Dispute)
class DisputeAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("subject", "found_on", "category", "risk_colour", "level", "status", "due_on")
    list_filter = ("status", "risk_colour", "category", "source")
    raw_id_fields = ("subject",)
    list_select_related = ("subject", "level")
    inlines = [EscalationInline, VisitInline]


@admin.register(MediationLevel)
class MediationLevelAdmin(ServiceAdminMixin, SimpleHistoryAdmin):
    """The ladder is a county setting, edited on its page and here through the same services
    (county or admin role, audited; a level in use or the last level cannot be deleted)."""

    list_display = ("order", "name", "working_days")
    list_display_links = ("name",)
    ordering = ("order",)

    def service_create(self, request, data):
        return services.level_create(actor=request.user, data=data)

    def service_update(self, request, obj, data):
        services.level_update(actor=request.user, obj=obj, data=data)

    def service_delete(self, request, obj):
        services.level_delete(actor=request.user, obj=obj)
