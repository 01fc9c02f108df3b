from ledger.urls import ledger_urls

from . import views

app_name = "publicorder"

urlpatterns = ledger_urls(
    "public-order",
    "problem",
    list_view=views.PublicOrderProblemListView,
    form_view=views.PublicOrderProblemFormView,
    detail_view=views.PublicOrderProblemDetailView,
    transition_view=views.PublicOrderProblemTransitionView,
)
