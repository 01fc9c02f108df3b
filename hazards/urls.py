from django.urls import path

from ledger.urls import ledger_urls

from . import views

app_name = "hazards"

urlpatterns = [
    path("hazards/acceptance/", views.HazardAcceptanceView.as_view(), name="acceptance_queue"),
    path("hazards/bulk-accept/", views.HazardBulkAcceptView.as_view(), name="bulk_accept"),
    path("listings/published/<slug:tier>/", views.ListingPublishedView.as_view(), name="listing_published"),
    *ledger_urls(
        "hazards",
        "hazard",
        list_view=views.HazardListView,
        form_view=views.HazardFormView,
        detail_view=views.HazardDetailView,
        transition_view=views.HazardTransitionView,
    ),
    *ledger_urls(
        "accidents",
        "accident",
        list_view=views.AccidentListView,
        form_view=views.AccidentFormView,
        detail_view=views.AccidentDetailView,
        transition_view=views.AccidentTransitionView,
    ),
    *ledger_urls(
        "listings",
        "listing",
        list_view=views.HazardListingListView,
        form_view=views.HazardListingFormView,
        detail_view=views.HazardListingDetailView,
        transition_view=views.HazardListingTransitionView,
    ),
]
