"""The import pages (/imports/): choose a kind and upload, see the dry run, confirm, my imports, templates.

Thin views over sanzero.importing.jobs. Only the kinds the user's role may import are offered; a
role that may import nothing (department staff) gets 403 everywhere here. A job is visible to the
user who uploaded it only (404 for anyone else).
"""

from __future__ import annotations

import io

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from sanzero.jobs import give_up_if_stalled
from sanzero.models import ImportJob
from sanzero.services import ServiceError
from sanzero.xlsx import write_template
from sanzero.xlsx.download import xlsx_response

from . import jobs
from .base import KINDS, kinds_for
from .forms import ImportUploadForm

RECENT = 10


def _kinds(request):
    kinds = kinds_for(request.user)
    if not kinds:
        raise PermissionDenied("您的角色没有可导入的数据。")
    return kinds


def _crumbs(*items):
    return [("数据导入", reverse("importing:index")), *items]


def index(request):
    kinds = _kinds(request)
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES, kinds=kinds)
        if form.is_valid():
            created = jobs.job_create(actor=request.user, kind=form.chosen_kind, upload=form.cleaned_data["file"])
            jobs.job_validate(created)
            return HttpResponseRedirect(reverse("importing:job", args=[created.pk]))
        status = 400
    else:
        initial = {"kind": request.GET.get("kind")} if request.GET.get("kind") in {k.name for k in kinds} else {}
        form = ImportUploadForm(initial=initial, kinds=kinds)
        status = 200
    recent = ImportJob.objects.filter(user=request.user).order_by("-created_at")[:RECENT]
    return render(
        request,
        "importing/index.html",
        {
            "title": "数据导入",
            "form": form,
            "kinds": kinds,
            "recent": recent,
            "labels": _labels(),
            "threshold": jobs.ASYNC_ROW_THRESHOLD,
            "breadcrumbs": [("数据导入", None)],
        },
        status=status,
    )


def history(request):
    _kinds(request)
    page = Paginator(ImportJob.objects.filter(user=request.user).order_by("-created_at"), settings.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "importing/history.html",
        {
            "title": "我的导入",
            "page": page,
            "labels": _labels(),
            "breadcrumbs": _crumbs(("我的导入", None)),
        },
    )


def _job(request, pk: int) -> ImportJob:
    _kinds(request)
    return get_object_or_404(ImportJob.objects.select_related("user"), pk=pk, user=request.user)


def job(request, pk: int):
    obj = _job(request, pk)
    give_up_if_stalled(obj)  # its worker was killed: say so now, not when the sweeper runs
    kind = jobs.job_kind(obj)
    running = not obj.finished
    context = {
        "title": f"导入{kind.label if kind else obj.kind}",
        "job": obj,
        "kind": kind,
        "running": running,
        "progress": jobs.live_progress(obj),
        "errors": [e for e in obj.errors if e.get("level") != "warning"],
        "warnings": [e for e in obj.errors if e.get("level") == "warning"],
        "breadcrumbs": _crumbs(("我的导入", reverse("importing:history")), (obj.filename, None)),
    }
    if request.htmx:
        if running:
            return render(request, "importing/_progress.html", context)
        # Finished: reload the whole page (counts, errors, the confirm button).
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "importing/job.html", context)


@require_POST
def confirm(request, pk: int):
    obj = _job(request, pk)
    try:
        obj = jobs.job_confirm(actor=request.user, job=obj)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        if obj.status == ImportJob.Status.DONE:
            messages.success(
                request, f"导入完成：新增{obj.new_rows}行，修改{obj.changed_rows}行，未变化{obj.unchanged_rows}行。"
            )
        elif obj.status == ImportJob.Status.FAILED:
            messages.error(request, "导入失败，未写入任何数据，请查看下方错误。")
        elif obj.status == ImportJob.Status.VALIDATED and obj.message == jobs.CONFIRM_NOT_SENT:
            messages.error(request, obj.message)  # the broker did not take the task: confirm again later
    return HttpResponseRedirect(reverse("importing:job", args=[pk]))


def download(request, pk: int):
    obj = _job(request, pk)
    if not obj.file:
        raise Http404
    return xlsx_response(obj.file.open("rb"), filename=obj.filename, fallback=f"sanzero-import-{obj.pk}.xlsx")


def template(request, kind: str):
    allowed = {k.name: k for k in _kinds(request)}
    if kind not in KINDS:
        raise Http404
    if kind not in allowed:
        raise PermissionDenied("您的角色不能导入此类数据。")
    selected = allowed[kind]
    buffer = io.BytesIO()
    write_template(buffer, selected.spec(), title=f"{selected.label}导入模板", notes=selected.template_notes())
    return xlsx_response(
        buffer.getvalue(),
        filename=f"{selected.label.replace('/', '、')}导入模板.xlsx",
        fallback=f"sanzero-template-{kind}.xlsx",
    )


def _labels() -> dict[str, str]:
    return {name: kind.label for name, kind in KINDS.items()}
