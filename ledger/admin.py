from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from sanzero.admin import ReadOnlyAdminMixin

from .models import Attachment


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Attachments for the administrator to look into, deleted ones included (who, when, why, where
    stored): read-only; files are opened from the entry's page, through its scoped download."""

    list_display = (
        "original_name",
        "kind",
        "content_type",
        "object_id",
        "size",
        "uploaded_by",
        "uploaded_at",
        "deleted_at",
    )
    list_filter = ("kind", "content_type", "mime_type")
    search_fields = ("original_name", "sha256")
    list_select_related = ("uploaded_by", "content_type")
    date_hierarchy = "uploaded_at"
    exclude = ("file", "thumbnail")
    readonly_fields = ("stored_as",)

    @admin.display(description="存储位置")
    def stored_as(self, obj):
        return obj.file.name
