"""/api/v1/… (config/urls.py mounts this under api/v1/): the read API, token-authenticated. A later
incompatible version goes beside it as /api/v2/; any other /api/ path is a JSON 404."""

from django.urls import path, re_path

from . import views

app_name = "api"

urlpatterns = [
    path("regions/", views.RegionList.as_view(), name="region_list"),
    re_path(r"^regions/(?P<code>\d{1,15})/$", views.RegionDetail.as_view(), name="region_detail"),
    path("subjects/", views.SubjectList.as_view(), name="subject_list"),
    path("subjects/<int:pk>/", views.SubjectDetail.as_view(), name="subject_detail"),
    path("snapshots/", views.SnapshotList.as_view(), name="snapshot_list"),
    path("snapshots/subjects/", views.SubjectVerdictList.as_view(), name="subject_verdict_list"),
    path("ledger-statistics/", views.LedgerStatisticsList.as_view(), name="ledger_statistics"),
    path("ledgers/", views.LedgerList.as_view(), name="ledger_list"),
    re_path(r"^ledgers/(?P<ledger>[a-z_]{1,30})/$", views.LedgerEntryList.as_view(), name="ledger_entry_list"),
    re_path(
        r"^ledgers/(?P<ledger>[a-z_]{1,30})/(?P<pk>\d{1,18})/$",
        views.LedgerEntryDetail.as_view(),
        name="ledger_entry_detail",
    ),
    path("schema/", views.SchemaView.as_view(), name="schema"),
]
