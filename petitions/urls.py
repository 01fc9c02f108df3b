from django.urls import path

from . import views

app_name = "petitions"

urlpatterns = [
    path("petitions/", views.PetitionListView.as_view(), name="petition_list"),
    path("petitions/new/", views.PetitionFormView.as_view(), name="petition_create"),
    path("petitions/<int:pk>/", views.PetitionDetailView.as_view(), name="petition_detail"),
    path("petitions/<int:pk>/edit/", views.PetitionFormView.as_view(), name="petition_edit"),
    path("petitions/<int:pk>/do/<slug:name>/", views.PetitionTransitionView.as_view(), name="petition_transition"),
]
