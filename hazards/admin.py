from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from sanzero.admin import ReadOnlyAdminMixin

from .models import Accident, Hazard, HazardListing, ListingLetter, ListingReview


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


@admin.register(HazardListing)
class HazardListingAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("notice_number", "tier", "subject", "listed_on", "deadline", "status", "letters_count")
    list_filter = ("status", "tier")
    search_fields = ("notice_number",)
    raw_id_fields = ("subject", "hazard")
    list_select_related = ("subject",)


@admin.register(ListingReview)
class ListingReviewAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("listing", "stage", "passed", "reviewed_on", "unit", "by")
    list_filter = ("stage", "passed")
    raw_id_fields = ("listing",)


@admin.register(ListingLetter)
class ListingLetterAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("number", "listing", "sequence", "issued_on", "reply_due", "issued_by")
    search_fields = ("number",)
    raw_id_fields = ("listing",)
