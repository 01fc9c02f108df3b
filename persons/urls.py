from django.urls import path

from ledger.urls import ledger_urls

from . import views

app_name = "persons"

urlpatterns = [
    *ledger_urls(
        "persons",
        "person",
        list_view=views.KeyPersonListView,
        form_view=views.KeyPersonFormView,
        detail_view=views.KeyPersonDetailView,
        transition_view=views.KeyPersonTransitionView,
    ),
    path("persons/grid-workers/search/", views.grid_worker_search, name="grid_worker_search"),
    path("persons/<int:pk>/links/", views.PersonLinkAddView.as_view(), name="person_link_add"),
    path("persons/<int:pk>/links/<int:lid>/delete/", views.PersonLinkDeleteView.as_view(), name="person_link_delete"),
]
