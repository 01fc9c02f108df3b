from django.urls import path

from ledger.urls import ledger_urls

from . import views

app_name = "hazards"

urlpatterns = [
    path("hazards/acceptance/", views.HazardAcceptanceView.as_view(), name="acceptance_queue"),
    path("hazards/bulk-accept/", views.HazardBulkAcceptView.as_view(), name="bulk_accept"),
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
]
