from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from sanzero.admin import ReadOnlyAdminMixin

from .models import Petition


@admin.register(Petition)
class PetitionAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    # No petitioner name, ID number, phone or content here: personal data is read on the ledger page,
    # masked, and revealed only through the logged 显示 button.
    list_display = (
        "subject",
        "received_on",
        "channel",
        "type",
        "headcount",
        "level_reached",
        "is_skip_level",
        "is_abnormal",
        "status",
        "handle_due",
    )
    list_filter = ("status", "type", "channel", "level_reached", "is_skip_level", "is_abnormal")
    exclude = ("petitioner_name", "id_number", "phone", "content")
    raw_id_fields = ("subject",)
    list_select_related = ("subject",)
