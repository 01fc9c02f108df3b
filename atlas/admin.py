"""The administrator's region boundaries: the list (read-only; a boundary is replaced by importing its
region again), delete through the service, and 导入区划边界 (a GeoJSON file) at /admin/atlas/boundary/import/."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from simple_history.admin import SimpleHistoryAdmin

from sanzero.admin import ServiceAdminMixin

from . import services
from .forms import BoundaryImportForm
from .models import Boundary


@admin.register(Boundary)
class BoundaryAdmin(ServiceAdminMixin, SimpleHistoryAdmin):
    list_display = ("region", "region_code", "vertex_count", "source", "imported_at", "imported_by")
    list_select_related = ("region", "imported_by")
    search_fields = ("region__code", "region__name", "source")
    list_filter = ("region__level",)
    exclude = ("geometry",)
    readonly_fields = (
        "region",
        "vertex_count",
        "min_lon",
        "min_lat",
        "max_lon",
        "max_lat",
        "source",
        "imported_at",
        "imported_by",
    )
    change_list_template = "admin/atlas/boundary/change_list.html"

    @admin.display(description="区划代码", ordering="region__code")
    def region_code(self, obj):
        return obj.region.code

    def has_add_permission(self, request):
        return False  # boundaries come from 导入区划边界

    def has_change_permission(self, request, obj=None):
        return False

    def service_delete(self, request, obj):
        services.boundary_delete(actor=request.user, boundary=obj)

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_view)
        return [path("import/", view, name="atlas_boundary_import"), *super().get_urls()]

    def import_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = BoundaryImportForm(request.POST or None, request.FILES or None)
        result = None
        status = 200
        if request.method == "POST":
            if form.is_valid():
                upload = form.cleaned_data["file"]
                result = services.boundaries_import(
                    actor=request.user,
                    data=upload.read(),
                    filename=upload.name,
                    code_property=form.cleaned_data["code_property"],
                )
                if result.ok:
                    self.message_user(
                        request,
                        f"已导入“{upload.name}”：新增{result.created}个、更新{result.updated}个区划边界。",
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(reverse("admin:atlas_boundary_changelist"))
            status = 400
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "导入区划边界",
            "form": form,
            "result": result,
        }
        return TemplateResponse(request, "admin/atlas/boundary/import.html", context, status=status)
