from ledger.urls import ledger_urls

from . import views

app_name = "cases"

urlpatterns = ledger_urls(
    "cases",
    "case",
    list_view=views.PoliceCaseListView,
    form_view=views.PoliceCaseFormView,
    detail_view=views.PoliceCaseDetailView,
    transition_view=views.PoliceCaseTransitionView,
)
