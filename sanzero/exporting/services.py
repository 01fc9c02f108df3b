"""List exports: build the rows of a list view, write the workbook, run background jobs, clean up.

One path for every list and both sizes: a list view (sanzero.views.ScopedListView) gives the queryset
(`export_queryset`: scoped with `for_user`, the same FilterSet on the same GET, the table's ordering)
and its `export_columns`; `write_export` streams them into a workbook with openpyxl's write-only mode
(sanzero.xlsx.write_rows: 60,000 subjects in about 11 s and under 100 MB, scripts/bench_excel.py). Up to
`sync_row_limit()` rows the request returns the file; above it an ExportJob is created and
`export_job_run` (the body of export_list_task, defined beside it) rebuilds the very same view for the
job's user and query.
"""

from __future__ import annotations

import datetime
import logging
import secrets
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

from celery import shared_task
from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.http import HttpRequest, QueryDict
from django.urls import resolve, reverse
from django.utils import timezone

from sanzero import jobs
from sanzero.models import AccessLog, DeadlineSettings, ExportJob
from sanzero.privacy import access_log_create
from sanzero.scoping import user_scope
from sanzero.xlsx import Column, SheetSpec, write_rows

from .columns import ExportColumn, ExportContext, personal_headers

logger = logging.getLogger("sanzero.exporting")

EXPORT_PARAM = "export"
#: up to this many rows the request answers with the file; above it the export runs as a job
SYNC_ROW_LIMIT = 2000
CHUNK_SIZE = 2000
EXPIRY = datetime.timedelta(days=7)
#: GET parameters that are about the page, not about which rows: dropped from a job's query
PAGE_PARAMS = (EXPORT_PARAM, "page", "per_page")

_COLUMN_KINDS = {"text": "text", "date": "date", "int": "int", "decimal": "decimal", "rate": "rate"}


def sync_row_limit() -> int:
    return int(getattr(settings, "EXPORT_SYNC_ROW_LIMIT", SYNC_ROW_LIMIT))


def export_query(get: QueryDict) -> str:
    """The request's filter query (filters and sort), without the page and export parameters."""
    query = get.copy()
    for name in PAGE_PARAMS:
        query.pop(name, None)
    return query.urlencode()


def export_context(user) -> ExportContext:
    from sanzero.roles import REVEAL_ROLES

    scope = user_scope(user)
    return ExportContext(
        user=user,
        reveal=scope.role in REVEAL_ROLES,
        today=timezone.localdate(),
        warn_days=DeadlineSettings.current().warn_days,
    )


def sheet_spec(title: str, columns: Sequence[ExportColumn]) -> SheetSpec:
    return SheetSpec(
        title,
        tuple(
            Column(c.header, f"c{i}", kind=_COLUMN_KINDS.get(c.kind, "text"), max_length=c.max_length)
            for i, c in enumerate(columns)
        ),
    )


def describe_filters(filterset) -> str:
    """The filters in force, in words: “类别：学校；状态：在册” (empty when none)."""
    if filterset is None or not filterset.is_bound:
        return ""
    form = filterset.form
    if not form.is_valid():
        return "筛选条件无效"
    from django import forms

    parts = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if value is None or value == "":
            continue
        if isinstance(field.widget, forms.HiddenInput):
            parts.append("指定创建主体" if name == "subject" else f"{name}={value}")
            continue
        if isinstance(value, bool):
            text = "是" if value else "否"
        elif isinstance(field, forms.ModelChoiceField):
            text = getattr(value, "name", None) or str(value)
        elif getattr(field, "choices", None):
            text = str(dict(field.choices).get(value, value))
        elif isinstance(value, datetime.date):
            text = value.isoformat()
        else:
            text = str(value)
        parts.append(f"{field.label}：{text}")
    return "；".join(parts)


def export_label(title: str, filters: str) -> str:
    label = f"{title}（{filters or '全部'}）"
    return label if len(label) <= 100 else label[:99] + "…"


def export_filename(title: str, when: datetime.datetime | None = None) -> str:
    when = timezone.localtime(when or timezone.now())
    safe = "".join("_" if ch in '\\/:*?"<>|' else ch for ch in title).strip() or "导出"
    return f"{safe}_{when:%Y%m%d-%H%M%S}.xlsx"


def ascii_filename(kind: str, when: datetime.datetime | None = None) -> str:
    when = timezone.localtime(when or timezone.now())
    name = kind.rsplit(":", 1)[-1].replace("_list", "") or "export"
    return f"sanzero-{name}-{when:%Y%m%d-%H%M%S}.xlsx"


# -- writing ------------------------------------------------------------------------------------------


@dataclass
class ExportResult:
    rows: int
    revealed_fields: list[str]  # personal columns written unmasked (empty: nothing to log)


def row_count(rows) -> int:
    """How many rows an export will hold: a queryset's COUNT, or the length of a list a view built
    (督办 gathers its entries from every ledger into one sorted list)."""
    return len(rows) if isinstance(rows, (list, tuple)) else rows.count()


def iter_rows(
    queryset, columns: Sequence[ExportColumn], ctx: ExportContext, on_progress: Callable[[int], None] | None = None
) -> Iterator[list[Any]]:
    getters = [c.get for c in columns]
    count = 0
    objects = iter(queryset) if isinstance(queryset, (list, tuple)) else queryset.iterator(chunk_size=CHUNK_SIZE)
    for obj in objects:
        yield [get(obj, ctx) for get in getters]
        count += 1
        if on_progress is not None and count % CHUNK_SIZE == 0:
            on_progress(count)


def write_export(
    stream: IO[bytes] | str,
    queryset,
    columns: Sequence[ExportColumn],
    ctx: ExportContext,
    *,
    title: str,
    on_progress: Callable[[int], None] | None = None,
) -> ExportResult:
    rows = write_rows(
        stream, sheet_spec(title, columns), iter_rows(queryset, columns, ctx, on_progress), sheet_title=title
    )
    revealed = personal_headers(columns) if ctx.reveal else []
    return ExportResult(rows=rows, revealed_fields=revealed)


def log_personal_export(*, actor, model, title: str, query: str, result: ExportResult, job=None) -> None:
    """DESIGN §8: an export with full personal data is logged (who, when, which list, which filter),
    by the same writer as a reveal on a record's page (sanzero.privacy)."""
    if not result.revealed_fields or not result.rows:
        return
    where = f"后台导出#{job.pk}" if job is not None else "直接下载"
    access_log_create(
        actor=actor,
        action=AccessLog.Action.EXPORT,
        object_label=model._meta.label_lower if model else "",
        fields=result.revealed_fields,
        detail=f"{title}，{result.rows}行，{where}；筛选：{query or '无'}",
    )


# -- the list view behind a job ---------------------------------------------------------------------


def list_view_for(kind: str, user, query: str):
    """The list view `kind` (its URL name) set up for `user` with `query` as its GET: the same queryset."""
    path = reverse(kind)
    match = resolve(path)
    view_class = getattr(match.func, "view_class", None)
    if view_class is None or not getattr(view_class, "export_columns", None):
        raise ValueError(f"{kind} is not an exportable list")
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = path
    request.GET = QueryDict(query)
    request.user = user
    request.resolver_match = match
    view = view_class()
    view.setup(request, *match.args, **match.kwargs)
    return view


# -- background jobs --------------------------------------------------------------------------------


def export_job_create(*, user, kind: str, query: str, label: str, total: int = 0) -> ExportJob:
    """A queued job; its task is sent once the job row is committed."""
    with transaction.atomic():
        job = ExportJob.objects.create(
            user=user,
            kind=kind[:40],
            query=query[:2000],
            label=label[:100],
            row_count=total,
            message=f"共{total}条，排队中" if total else "",
        )
        jobs.dispatch(job, export_list_task, job.pk)  # fails the job at once when the broker is down
    return job


def _progress(job: ExportJob, total: int) -> Callable[[int], None]:
    def update(done: int) -> None:
        jobs.progress(job, min(99, done * 100 // total) if total else 99, message=f"已写入{done}/{total}条")

    return update


def export_job_run(*, job_id: int) -> ExportJob | None:
    """The task's body: claim → rebuild the list for the job's user and query, write the file, log → finish.

    Idempotent: a job that is not queued (finished, running elsewhere, given up) is left alone. A
    failure marks the job failed with a message; nothing of a half-written file is kept.
    """
    job = ExportJob.objects.select_related("user").filter(pk=job_id).first()
    if job is None or not jobs.claim(job, message="正在生成"):
        return job
    failure = "导出失败：{exc}" if settings.DEBUG else "导出失败，请稍后重试或联系系统管理员。"
    with jobs.fail_on_error(job, failure):
        view = list_view_for(job.kind, job.user, job.query)
        queryset = view.export_queryset()
        total = row_count(queryset)
        ctx = export_context(job.user)
        title = view.export_title()
        with tempfile.TemporaryFile(suffix=".xlsx") as fh:
            result = write_export(
                fh, queryset, view.export_columns, ctx, title=title, on_progress=_progress(job, total)
            )
            fh.seek(0)
            now = timezone.now()
            with transaction.atomic():
                job.file.save(f"{job.pk}-{secrets.token_hex(8)}.xlsx", File(fh), save=False)
                if jobs.finish(
                    job,
                    message=f"已导出{result.rows}条",
                    file=job.file.name,
                    row_count=result.rows,
                    personal_data=bool(result.revealed_fields),
                    finished_at=now,
                    expires_at=now + EXPIRY,
                ):
                    log_personal_export(
                        actor=job.user,
                        model=getattr(view, "model", None),
                        title=title,
                        query=job.query,
                        result=result,
                        job=job,
                    )
                else:  # given up while it was being written: nobody will download it
                    job.file.storage.delete(job.file.name)
    job.refresh_from_db()
    return job


@shared_task(name="exporting.export_list", **jobs.task_options())
def export_list_task(job_id: int) -> str:
    job = export_job_run(job_id=job_id)
    return job.status if job is not None else "missing"


def export_cleanup(*, now: datetime.datetime | None = None) -> int:
    """Delete the files of expired exports (the job rows stay as history); how many were deleted.
    Daily from beat (cleanup_exports_task in sanzero.tasks) and by `manage.py cleanup_exports`."""
    now = now or timezone.now()
    deleted = 0
    for job in ExportJob.objects.filter(expires_at__lte=now).exclude(file=""):
        try:
            job.file.storage.delete(job.file.name)
        except OSError:
            logger.warning("could not delete export file %s", job.file.name)
            continue
        ExportJob.objects.filter(pk=job.pk).update(file="", message="文件已过期删除")
        deleted += 1
    return deleted
