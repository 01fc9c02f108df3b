"""下载中心 (我的导出): the user's own export jobs, their progress, and the download of a finished file."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from sanzero.jobs import give_up_if_stalled
from sanzero.models import ExportJob
from sanzero.xlsx.download import xlsx_response

from . import services


def index(request):
    jobs = ExportJob.objects.filter(user=request.user).order_by("-created_at", "-pk")
    page = Paginator(jobs, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    for job in page:
        give_up_if_stalled(job)  # its worker was killed: say so now, not when the sweeper runs
    context = {
        "title": "下载中心",
        "page": page,
        "now": timezone.now(),
        "polling": any(not job.finished for job in page),
        "expiry_days": services.EXPIRY.days,
        "sync_limit": services.sync_row_limit(),
    }
    template = "exporting/_jobs.html" if request.htmx else "exporting/index.html"
    return render(request, template, context)


def download(request, pk: int):
    """Only the job's owner may download (anyone else: 404, as if it did not exist)."""
    job = get_object_or_404(ExportJob, pk=pk, user=request.user)
    if job.status != ExportJob.Status.DONE:
        raise Http404("导出尚未完成。")
    if not job.file or (job.expires_at and job.expires_at <= timezone.now()):
        messages.warning(request, "该导出文件已过期删除，请回到列表重新导出。")
        return HttpResponseRedirect(reverse("exporting:index"))
    try:
        handle = job.file.open("rb")
    except FileNotFoundError:
        messages.warning(request, "该导出文件已不存在，请回到列表重新导出。")
        return HttpResponseRedirect(reverse("exporting:index"))
    title = job.label.split("（", 1)[0] or "导出"
    return xlsx_response(
        handle,
        filename=services.export_filename(title, job.created_at),
        fallback=services.ascii_filename(job.kind, job.created_at),
    )
