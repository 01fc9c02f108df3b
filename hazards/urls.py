from django.urls import path

from . import views

app_name = "hazards"

urlpatterns = [
    path("hazards/", views.HazardListView.as_view(), name="hazard_list"),
    path("hazards/new/", views.HazardFormView.as_view(), name="hazard_create"),
    path("hazards/acceptance/", views.HazardAcceptanceView.as_view(), name="acceptance_queue"),
    path("hazards/<int:pk>/", views.HazardDetailView.as_view(), name="hazard_detail"),
    path("hazards/<int:pk>/edit/", views.HazardFormView.as_view(), name="hazard_edit"),
    path("hazards/<int:pk>/do/<slug:name>/", views.HazardTransitionView.as_view(), name="hazard_transition"),
    path("accidents/", views.AccidentListView.as_view(), name="accident_list"),
    path("accidents/new/", views.AccidentFormView.as_view(), name="accident_create"),
    path("accidents/<int:pk>/", views.AccidentDetailView.as_view(), name="accident_detail"),
    path("accidents/<int:pk>/edit/", views.AccidentFormView.as_view(), name="accident_edit"),
    path("accidents/<int:pk>/do/<slug:name>/", views.AccidentTransitionView.as_view(), name="accident_transition"),
]
