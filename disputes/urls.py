from django.urls import path

from . import views

app_name = "disputes"

urlpatterns = [
    path("disputes/", views.DisputeListView.as_view(), name="dispute_list"),
    path("disputes/new/", views.DisputeFormView.as_view(), name="dispute_create"),
    path("disputes/<int:pk>/", views.DisputeDetailView.as_view(), name="dispute_detail"),
    path("disputes/<int:pk>/edit/", views.DisputeFormView.as_view(), name="dispute_edit"),
    path("disputes/<int:pk>/do/<slug:name>/", views.DisputeTransitionView.as_view(), name="dispute_transition"),
    path("disputes/levels/", views.LevelListView.as_view(), name="level_list"),
    path("disputes/levels/new/", views.LevelFormView.as_view(), name="level_create"),
    path("disputes/levels/<int:pk>/edit/", views.LevelFormView.as_view(), name="level_edit"),
    path("disputes/levels/<int:pk>/delete/", views.LevelDeleteView.as_view(), name="level_delete"),
]
