from django.urls import path

from ledger.urls import ledger_urls

from . import views

app_name = "petitions"

urlpatterns = ledger_urls(
    "petitions",
    "petition",
    list_view=views.PetitionListView,
    form_view=views.PetitionFormView,
    detail_view=views.PetitionDetailView,
    transition_view=views.PetitionTransitionView,
) + [
    path("petitions/repeat-check/", views.RepeatCheckView.as_view(), name="repeat_check"),
]
