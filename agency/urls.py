from django.urls import path

from . import views

app_name = "agency"

urlpatterns = [
    path("agency/", views.AgencyListView.as_view(), name="agency_list"),
    path("agency/new/", views.AgencyFormView.as_view(), name="agency_create"),
    path("agency/<int:pk>/", views.AgencyDetailView.as_view(), name="agency_detail"),
    path("agency/<int:pk>/edit/", views.AgencyFormView.as_view(), name="agency_edit"),
    path("agency/<int:pk>/escalate/", views.AgencyStepView.as_view(step="escalate"), name="agency_escalate"),
    path("agency/<int:pk>/finish/", views.AgencyStepView.as_view(step="finish"), name="agency_finish"),
]
