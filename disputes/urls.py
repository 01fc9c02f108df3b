from django.urls import path

from ledger.urls import ledger_urls

from . import views

app_name = "disputes"

urlpatterns = [
    *ledger_urls(
        "disputes",
        "dispute",
        list_view=views.DisputeListView,
        form_view=views.DisputeFormView,
        detail_view=views.DisputeDetailView,
        transition_view=views.DisputeTransitionView,
    ),
    path("disputes/levels/", views.LevelListView.as_view(), name="level_list"),
    path("disputes/levels/new/", views.LevelFormView.as_view(), name="level_create"),
    path("disputes/levels/<int:pk>/edit/", views.LevelFormView.as_view(), name="level_edit"),
    path("disputes/levels/<int:pk>/delete/", views.LevelDeleteView.as_view(), name="level_delete"),
]
