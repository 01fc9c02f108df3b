"""The Django admin: read-only views of what the pages write, and for the administrator's own lists
(regions, categories, departments, the mediation ladder; users in units/admin.py) add, change and delete that run
through the same services as the pages (ServiceAdminMixin), with the administrator as the actor."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse

from .models import ExportJob, Holiday, ImportJob
from .services import ServiceError


def refusal_message(exc: Exception) -> str:
    return "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)


def copy_stored(source, target) -> None:
    """Put the saved object's field values on the admin's own instance (its pk, version, normalised
    values), which the admin then logs and redirects with."""
    for f in source._meta.concrete_fields:
        setattr(target, f.attname, getattr(source, f.attname))
    target._state.adding = False


def run_refusable(model_admin, request, redirect_to: str, view, *args, **kwargs):
    """Run an admin view; a service's refusal becomes an error message and a redirect. The admin's
    views write inside one transaction, which the refusal has rolled back: nothing is written."""
    try:
        return view(request, *args, **kwargs)
    except (ServiceError, ValidationError) as exc:
        model_admin.message_user(request, refusal_message(exc), messages.ERROR)
        return HttpResponseRedirect(redirect_to)


class ServiceAdminMixin:
    """Add, change and delete through the app's services with ``request.user`` as the actor: the
    role checks, validation and audit entry are the pages' own. A refusal (ServiceError, or a
    ValidationError the form did not catch) is shown as an error message and nothing is written; a
    role refusal (PermissionDenied) answers 403, also with nothing written.

    A subclass defines ``service_create(request, data)`` (returns the new object),
    ``service_update(request, obj, data)`` (``obj`` as stored, ``data`` the form's cleaned values) and
    ``service_delete(request, obj)``.
    """

    def service_create(self, request, data: dict):
        raise NotImplementedError

    def service_update(self, request, obj, data: dict) -> None:
        raise NotImplementedError

    def service_delete(self, request, obj) -> None:
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        data = dict(form.cleaned_data)
        if change:
            # The form has already put its values on `obj`; the service compares with the stored row.
            stored = type(obj)._default_manager.get(pk=obj.pk)
            self.service_update(request, stored, data)
        else:
            stored = self.service_create(request, data)
        copy_stored(stored, obj)

    def delete_model(self, request, obj):
        self.service_delete(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():  # 删除所选: all of them or none
            for obj in queryset:
                self.service_delete(request, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return run_refusable(
            self, request, request.get_full_path(), super().changeform_view, object_id, form_url, extra_context
        )

    def changelist_view(self, request, extra_context=None):  # list_editable saves, 删除所选
        return run_refusable(self, request, request.get_full_path(), super().changelist_view, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        opts = self.model._meta
        back = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[object_id])
        return run_refusable(self, request, back, super().delete_view, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):  # 恢复到此版本
        return run_refusable(
            self, request, request.get_full_path(), super().history_form_view, object_id, version_id, extra_context
        )


class PersonalDataAdminMixin:
    """Personal data in the admin (DESIGN §8): the encrypted fields (`personal_fields`, {field: mask})
    are left out of the form and shown masked, read-only; the full value is read on the record's page
    through the logged 显示完整个人信息, and changed through the page's form."""

    personal_fields: dict = {}

    def get_exclude(self, request, obj=None):
        return (*(super().get_exclude(request, obj) or ()), *self.personal_fields)

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), "personal_data_masked")

    @admin.display(description="个人信息（脱敏）")
    def personal_data_masked(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        parts = [
            f"{obj._meta.get_field(name).verbose_name}：{mask(getattr(obj, name)) or '—'}"
            for name, mask in self.personal_fields.items()
        ]
        return "；".join(parts) + "（完整信息请在记录页面点“显示完整个人信息”查看，查看将被记录）"


class ReadOnlyAdminMixin:
    """An admin that only reads: records are written through the pages and their services (workflow,
    audit), never edited, added or deleted behind them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class _JobAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Import and export jobs for the administrator to look into: read-only, and without the files
    (an export's file is its owner's alone; an upload is opened from its job page)."""

    list_select_related = ("user",)
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name != "file"]

    def get_exclude(self, request, obj=None):
        return ("file",)


@admin.register(ImportJob)
class ImportJobAdmin(_JobAdmin):
    list_display = (
        "created_at",
        "user",
        "kind",
        "filename",
        "status",
        "total_rows",
        "new_rows",
        "changed_rows",
        "unchanged_rows",
    )
    list_filter = ("status", "kind")
    search_fields = ("filename", "user__username", "user__full_name")


@admin.register(ExportJob)
class ExportJobAdmin(_JobAdmin):
    list_display = ("created_at", "user", "label", "status", "row_count", "personal_data", "expires_at")
    list_filter = ("status", "personal_data")
    search_fields = ("label", "user__username", "user__full_name")


@admin.register(Holiday)
class HolidayAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The entered 节假日安排, to look at: changes go through the 节假日安排 page (audited, and every
    process is told through HolidayStamp)."""

    list_display = ("date", "kind", "name", "updated_at")
    list_filter = ("kind", "name")
    date_hierarchy = "date"
    search_fields = ("name",)
