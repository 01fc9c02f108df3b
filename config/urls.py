from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path

from api.views import not_found as api_not_found
from ledger.views import SupervisionView
from sanzero import views
from sanzero.access_log import AccessLogListView
from units import views as units_views

admin.site.site_header = "三零创建管理系统 · 后台"
admin.site.site_title = "三零创建管理系统"
admin.site.index_title = "系统管理"

urlpatterns = [
    path("", units_views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password_change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("supervision/", SupervisionView.as_view(), name="supervision"),
    path("notifications/", views.notifications, name="notifications"),
    path("settings/deadlines/", views.DeadlineSettingsView.as_view(), name="deadline_settings"),
    path("settings/holidays/", include("sanzero.holidays.urls")),
    path("settings/access-log/", AccessLogListView.as_view(), name="access_log"),
    path("admin/", admin.site.urls),
    path("", include("units.urls")),
    path("", include("disputes.urls")),
    path("", include("hazards.urls")),
    path("", include("petitions.urls")),
    path("", include("cases.urls")),
    path("", include("places.urls")),
    path("", include("publicorder.urls")),
    path("", include("agency.urls")),
    path("", include("persons.urls")),
    path("", include("dashboards.urls")),
    path("reports/", include("reports.urls")),
    path("declarations/", include("declarations.urls")),
    path("bulletins/", include("bulletins.urls")),
    path("", include("atlas.urls")),
    path("api/v1/", include("api.urls")),
    re_path(r"^api/", api_not_found, name="api_not_found"),
    path("imports/", include("sanzero.importing.urls")),
    path("exports/", include("sanzero.exporting.urls")),
]

handler404 = "sanzero.views.page_not_found"
handler403 = "sanzero.views.permission_denied"
handler500 = "sanzero.views.server_error"
