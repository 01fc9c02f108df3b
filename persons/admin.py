from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from sanzero.admin import PersonalDataAdminMixin, ReadOnlyAdminMixin

from .models import KeyPerson, PersonLink, PersonVisit
from .privacy import PERSONAL_MASKS


@admin.register(KeyPerson)
class KeyPersonAdmin(PersonalDataAdminMixin, ReadOnlyAdminMixin, SimpleHistoryAdmin):
    personal_fields = PERSONAL_MASKS
    list_display = ("__str__", "subject", "category", "risk_level", "grid_worker", "last_visited_on", "status")
    list_filter = ("status", "category", "risk_level")
    raw_id_fields = ("subject", "grid_worker")
    list_select_related = ("subject", "grid_worker")


@admin.register(PersonVisit)
class PersonVisitAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("person", "visited_on", "way", "abnormal", "by")
    list_filter = ("way", "abnormal")
    raw_id_fields = ("person", "by")
    list_select_related = ("person", "by")


@admin.register(PersonLink)
class PersonLinkAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("person", "petition", "dispute", "created_by", "created_at")
    raw_id_fields = ("person", "petition", "dispute", "created_by")
    list_select_related = ("person", "created_by")
