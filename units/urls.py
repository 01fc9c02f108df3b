from django.urls import path

from . import views

app_name = "units"

urlpatterns = [
    path("subjects/", views.SubjectListView.as_view(), name="subject_list"),
    path("subjects/search/", views.subject_search, name="subject_search"),
    path("subjects/new/", views.SubjectFormView.as_view(), name="subject_create"),
    path("subjects/<int:pk>/", views.SubjectDetailView.as_view(), name="subject_detail"),
    path("subjects/<int:pk>/edit/", views.SubjectFormView.as_view(), name="subject_edit"),
    path("subjects/<int:pk>/deregister/", views.SubjectDeregisterView.as_view(), name="subject_deregister"),
    path("regions/", views.region_browse, name="region_browse_root"),
    path("regions/search/", views.region_search, name="region_search"),
    path("regions/<str:code>/", views.region_browse, name="region_browse"),
]
