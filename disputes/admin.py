from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from sanzero.admin import ReadOnlyAdminMixin, ServiceAdminMixin

from . import services
from .models import Dispute, DisputeEscalation, DisputeMonthReport, FollowUpVisit, MediationLevel, tier_from_name


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
    list_display = (
        "subject",
        "found_on",
        "category",
        "risk_colour",
        "level",
        "handling_tier",
        "is_major",
        "mediated_on",
        "status",
        "due_on",
    )
    list_filter = ("status", "risk_colour", "category", "source", "handling_tier", "is_major")
    raw_id_fields = ("subject",)
    list_select_related = ("subject", "level")
    inlines = [EscalationInline, VisitInline]


class MediationLevelAdminForm(forms.ModelForm):
    """统计层级 may be left unchosen: a new rung's is guessed from its name, a changed one keeps its own."""

    class Meta:
        model = MediationLevel
        fields = ["order", "name", "working_days", "tier"]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("tier"):
            cleaned["tier"] = self.instance.tier or tier_from_name(cleaned.get("name") or "")
            self.instance.tier = cleaned["tier"]
        return cleaned


@admin.register(MediationLevel)
class MediationLevelAdmin(ServiceAdminMixin, SimpleHistoryAdmin):
    """The ladder is a county setting, edited on its page and here through the same services
    (county or admin role, audited; a level in use or the last level cannot be deleted)."""

    form = MediationLevelAdminForm
    list_display = ("order", "name", "working_days", "tier")
    list_display_links = ("name",)
    ordering = ("order",)

    def service_create(self, request, data):
        return services.level_create(actor=request.user, data=data)

    def service_update(self, request, obj, data):
        services.level_update(actor=request.user, obj=obj, data=data)

    def service_delete(self, request, obj):
        services.level_delete(actor=request.user, obj=obj)


@admin.register(DisputeMonthReport)
class DisputeMonthReportAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """报送 of the 矛盾纠纷排查情况表, read-only: handed in on the 排查情况表 page (reports)."""

    list_display = ("month", "region", "first_submitted_at", "submitted_at", "submitted_by", "times")
    list_filter = ("month",)
    list_select_related = ("region", "submitted_by")
    search_fields = ("region__name", "region__code")
