from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from sanzero.admin import PersonalDataAdminMixin, ReadOnlyAdminMixin
from sanzero.validators import mask_phone

from .models import KeyPlace


@admin.register(KeyPlace)
class KeyPlaceAdmin(PersonalDataAdminMixin, ReadOnlyAdminMixin, SimpleHistoryAdmin):
    personal_fields = {"phone": mask_phone}
    list_display = ("name", "subject", "category", "risk_level", "last_inspected_on", "status")
    list_filter = ("status", "category", "risk_level")
    search_fields = ("name", "address")
    raw_id_fields = ("subject",)
    list_select_related = ("subject",)
