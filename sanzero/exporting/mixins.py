"""导出Excel for every list: `?export=xlsx` on a list page exports exactly the rows of that page's filter.

ScopedListView inherits this mixin; a list opts in by naming its columns (`export_columns`, kept in
the app's exports.py). The rows come from the view's own `export_queryset()`, so scope, FilterSet
and ordering can never differ between the page and its export.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse

from sanzero.xlsx.download import xlsx_response

from . import services
from .columns import ExportColumn


class ExportMixin:
    #: the list's Excel columns (see sanzero.exporting.columns); empty: the list has no export
    export_columns: Sequence[ExportColumn] = ()

    def get(self, request, *args, **kwargs):
        if services.EXPORT_PARAM in request.GET and self.export_columns:
            if request.GET[services.EXPORT_PARAM] != "xlsx":
                raise Http404("不支持的导出格式。")
            return self.export_response()
        return super().get(request, *args, **kwargs)

    def export_title(self) -> str:
        return str(self.title or self.model._meta.verbose_name_plural)

    def export_kind(self) -> str:
        """The list's URL name: a job finds the same view (and its URL) again by it."""
        return self.request.resolver_match.view_name

    def export_queryset(self):  # pragma: no cover - ScopedListView defines it
        raise NotImplementedError

    def export_response(self):
        request = self.request
        queryset = self.export_queryset()
        total = services.row_count(queryset)
        title = self.export_title()
        query = services.export_query(request.GET)
        if total > services.sync_row_limit():
            label = services.export_label(title, services.describe_filters(getattr(self, "filterset", None)))
            job = services.export_job_create(
                user=request.user, kind=self.export_kind(), query=query, label=label, total=total
            )
            if job.status == job.Status.FAILED:  # the broker did not take the task (sanzero.jobs.dispatch)
                messages.error(
                    request,
                    f"共{total}条记录，超过{services.sync_row_limit()}条，需后台导出，但{job.message}"
                    f"也可缩小筛选范围至{services.sync_row_limit()}条以内直接下载。",
                )
                return HttpResponseRedirect(reverse("exporting:index"))
            messages.info(
                request,
                f"共{total}条记录，超过{services.sync_row_limit()}条，已转为后台导出。"
                "生成后可在“下载中心”下载，文件保留7天。",
            )
            return HttpResponseRedirect(reverse("exporting:index"))
        buffer = io.BytesIO()
        result = services.write_export(
            buffer, queryset, self.export_columns, services.export_context(request.user), title=title
        )
        services.log_personal_export(
            actor=request.user, model=getattr(self, "model", None), title=title, query=query, result=result
        )
        buffer.seek(0)
        return xlsx_response(
            buffer, filename=services.export_filename(title), fallback=services.ascii_filename(self.export_kind())
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if self.export_columns:
            query = self.request.GET.copy()
            for name in services.PAGE_PARAMS:
                query.pop(name, None)
            query[services.EXPORT_PARAM] = "xlsx"
            ctx["export_url"] = f"{self.request.path}?{query.urlencode()}"
            ctx["export_sync_limit"] = services.sync_row_limit()
        return ctx
