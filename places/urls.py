from ledger.urls import ledger_urls

from . import views

app_name = "places"

urlpatterns = ledger_urls(
    "places",
    "place",
    list_view=views.KeyPlaceListView,
    form_view=views.KeyPlaceFormView,
    detail_view=views.KeyPlaceDetailView,
    transition_view=views.KeyPlaceTransitionView,
)
