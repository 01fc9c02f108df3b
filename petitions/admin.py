from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from sanzero.admin import PersonalDataAdminMixin, ReadOnlyAdminMixin

from .models import Petition
from .privacy import PERSONAL_MASKS


@admin.register(Petition)
class PetitionAdmin(PersonalDataAdminMixin, ReadOnlyAdminMixin, SimpleHistoryAdmin):
    # No content here, and personal data masked: it is read on the ledger page, revealed only through
    # the logged 显示 button.
    personal_fields = PERSONAL_MASKS
    list_display = (
        "case_number",
        "subject",
        "received_on",
        "channel",
        "type",
        "headcount",
        "level_reached",
        "is_skip_level",
        "is_abnormal",
        "is_repeat",
        "status",
        "handle_due",
    )
    list_filter = ("status", "type", "source", "channel", "level_reached", "is_skip_level", "is_abnormal", "is_repeat")
    exclude = ("content",)
    raw_id_fields = ("subject",)
    list_select_related = ("subject",)
