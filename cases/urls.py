from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("cases/", views.PoliceCaseListView.as_view(), name="case_list"),
    path("cases/new/", views.PoliceCaseFormView.as_view(), name="case_create"),
    path("cases/<int:pk>/", views.PoliceCaseDetailView.as_view(), name="case_detail"),
    path("cases/<int:pk>/edit/", views.PoliceCaseFormView.as_view(), name="case_edit"),
    path("cases/<int:pk>/do/<slug:name>/", views.PoliceCaseTransitionView.as_view(), name="case_transition"),
]
