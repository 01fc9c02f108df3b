from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from sanzero.admin import ReadOnlyAdminMixin

from .models import Bulletin


@admin.register(Bulletin)
class BulletinAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("region", "year", "number", "month", "status", "title", "published_at")
    list_filter = ("status", "year")
    search_fields = ("title", "region__name")
    list_select_related = ("region",)
    exclude = ("xlsx", "pdf", "content", "ranking")
