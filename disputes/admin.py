from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from sanzero.admin import ReadOnlyAdminMixin

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
class MediationLevelAdmin(SimpleHistoryAdmin):
    """The ladder is a county setting; editable here too (audited; a level in use cannot be deleted)."""

    list_display = ("order", "name", "working_days")
    list_display_links = ("name",)
    ordering = ("order",)

    def save_model(self, request, obj, form, change):
        if change:
            obj.version += 1
        obj._change_reason = f"{'修改' if change else '新增'}调解层级“{obj.name}”（后台）"
        super().save_model(request, obj, form, change)
