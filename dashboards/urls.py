from django.urls import path, re_path

from . import views

app_name = "dashboards"

urlpatterns = [
    path("dashboard/", views.overview, name="overview"),
    path("dashboard/ranking/", views.RankingView.as_view(), name="ranking"),
    path("dashboard/subjects/", views.FailingView.as_view(), name="failing"),
    re_path(
        r"^dashboard/subject/(?P<subject_id>\d+)/(?P<month>\d{4}-\d{2})/$", views.subject_month, name="subject_month"
    ),
    re_path(
        r"^dashboard/subject/(?P<subject_id>\d+)/(?P<month>\d{4}-\d{2})/override/$", views.override, name="override"
    ),
    path("dashboard/subject/<int:subject_id>/", views.subject_history, name="subject_history"),
    path("dashboard/recompute/", views.recompute, name="recompute"),
    path("dashboard/jobs/<int:pk>/", views.job, name="job"),
    path("dashboard/month/", views.month_action, name="month_action"),
    path("dashboard/month/submit/", views.month_submit, name="month_submit"),
    path("dashboard/late-changes/", views.late_changes, name="late_changes"),
    path("dashboard/targets/", views.targets, name="targets"),
    path("dashboard/rules/", views.rules, name="rules"),
]
