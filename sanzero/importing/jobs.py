"""Import jobs (the web flow): upload → dry run → confirm → import, each step recorded on an ImportJob.

Small files (up to ASYNC_ROW_THRESHOLD data rows) are checked and imported within the request; bigger
ones run as a Celery task (import_job_task, beside its body job_run; sent on commit) while the job page
polls a progress bar. The lifecycle is sanzero.jobs' (claim → work → finish / fail; a job whose worker
died is given up by its sweeper). The uploaded workbook is kept as ``ImportJob.file``; the job keeps
the counts and every error.
"""

from __future__ import annotations

import logging
import os
import uuid
import zipfile

from celery import shared_task
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import connection
from django.utils import timezone

from sanzero import jobs
from sanzero.models import ImportJob
from sanzero.services import ServiceError

from .base import ImportKind, get_kind
from .engine import ImportResult, import_file

logger = logging.getLogger(__name__)

#: more data rows than this and the dry run and the import run as a Celery task
ASYNC_ROW_THRESHOLD = 2000
#: when a workbook does not declare its size, files bigger than this are treated as big
ASYNC_BYTES_FALLBACK = 300 * 1024
MAX_DECLARED_BYTES = 200 * 1024 * 1024
PROGRESS_TTL = 6 * 3600

Status = ImportJob.Status


def progress_key(job_id: int) -> str:
    return f"importing:job:{job_id}:progress"


def live_progress(job: ImportJob) -> int:
    """The progress a running job reported (through the cache: its transaction is not visible yet)."""
    if job.finished:
        return job.progress
    return max(job.progress, int(cache.get(progress_key(job.pk)) or 0))


def estimate_rows(fh) -> int | None:
    """Data rows the first sheet declares (its <dimension>), without reading the rows; None when the
    file does not say or is not a plain workbook (the reader then decides, and refuses it)."""
    from openpyxl import load_workbook

    try:
        fh.seek(0)
        with zipfile.ZipFile(fh) as archive:
            if sum(i.file_size for i in archive.infolist()) > MAX_DECLARED_BYTES:
                return None
        fh.seek(0)
        workbook = load_workbook(fh, read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            rows = sheet.max_row
        finally:
            workbook.close()
    except Exception:  # noqa: BLE001 - any surprise: the reader gives the real message
        return None
    finally:
        try:
            fh.seek(0)
        except Exception:  # noqa: BLE001
            pass
    return None if rows is None else max(rows - 1, 0)


def is_big(job: ImportJob) -> bool:
    return job.total_rows > ASYNC_ROW_THRESHOLD


def job_create(*, actor, kind: ImportKind, upload: UploadedFile) -> ImportJob:
    """Store the upload on a new job (status 排队中) with its estimated row count."""
    if not kind.allowed(actor):
        raise PermissionDenied(f"您的角色不能导入“{kind.label}”。")
    job = ImportJob(user=actor, kind=kind.name, filename=(upload.name or "upload.xlsx")[-200:], status=Status.QUEUED)
    rows = estimate_rows(upload.file if hasattr(upload, "file") else upload)
    if rows is None:
        rows = ASYNC_ROW_THRESHOLD + 1 if (upload.size or 0) > ASYNC_BYTES_FALLBACK else 0
    job.total_rows = rows
    upload.seek(0)
    job.file.save(f"{kind.name}-{uuid.uuid4().hex[:12]}.xlsx", upload, save=False)
    job.save()
    return job


def job_validate(job: ImportJob) -> ImportJob:
    """The dry run: inline for a small file, as a task (sent on commit) for a big one."""
    if is_big(job):
        _send(job, confirm=False)
        return job
    return job_run(job_id=job.pk, confirm=False)


def job_confirm(*, actor, job: ImportJob) -> ImportJob:
    """Import a job whose dry run passed; only its owner, only once."""
    if job.user_id != actor.pk:
        raise PermissionDenied("只能确认自己上传的导入。")
    if job.status != Status.VALIDATED:
        raise ServiceError(f"该导入当前状态为“{job.get_status_display()}”，不能确认导入。")
    # Queued again for its second run. started_at restarts the job's clock: a confirmation hours after
    # the upload is not a job a dead worker left behind (sanzero.jobs.give_up_stale).
    claimed = ImportJob.objects.filter(pk=job.pk, status=Status.VALIDATED).update(
        status=Status.QUEUED, progress=0, started_at=timezone.now()
    )
    if not claimed:
        raise ServiceError("该导入已在进行或已完成，请勿重复提交。")
    job.refresh_from_db()
    if is_big(job):
        _send(job, confirm=True)
        return job
    return job_run(job_id=job.pk, confirm=True)


#: a confirmed import whose task the broker did not take goes back to 试导入通过, to be confirmed again
CONFIRM_NOT_SENT = "后台任务服务暂时不可用，导入未开始，未写入任何数据；请稍后再点击“确认导入”。"


def _confirm_not_sent(job: ImportJob) -> None:
    if ImportJob.objects.filter(pk=job.pk, status=Status.QUEUED).update(
        status=Status.VALIDATED, message=CONFIRM_NOT_SENT
    ):
        job.status, job.message = Status.VALIDATED, CONFIRM_NOT_SENT


def _send(job: ImportJob, *, confirm: bool) -> None:
    """The dry run or the import as a task; with the broker down the job says so at once (a dry run
    fails: upload again; a confirmed import is back to 试导入通过: confirm again)."""
    jobs.dispatch(job, import_job_task, job.pk, confirm, on_broker_down=_confirm_not_sent if confirm else None)


def job_run(*, job_id: int, confirm: bool) -> ImportJob:
    """The task body (also run inline for small files): claim → dry run or import → finish / fail.

    Only a job waiting in 排队中 runs: a second delivery of the same task (acks_late) finds it taken or
    finished and does nothing. The import writes its result in its own transaction (before_commit), so
    the job says 已导入 exactly when the rows are there."""
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    if not jobs.claim(job):
        return job
    cache.set(progress_key(job.pk), 0, PROGRESS_TTL)
    last = {"db": -10}

    def progress(pct: int) -> None:
        cache.set(progress_key(job.pk), pct, PROGRESS_TTL)
        # Outside the write transaction the job row itself can show it too (not too often).
        if not connection.in_atomic_block and pct - last["db"] >= 10:
            last["db"] = pct
            jobs.progress(job, pct)

    try:
        with jobs.fail_on_error(job, "导入过程出错，未写入任何数据：{exc}"), job.file.open("rb") as fh:
            if confirm:
                result = import_file(
                    actor=job.user,
                    kind=job.kind,
                    file=fh,
                    dry_run=False,
                    progress=progress,
                    before_commit=lambda r: _finish(job, r, Status.DONE),
                )
                if not result.ok:
                    _finish(job, result, Status.FAILED)
            else:
                result = import_file(actor=job.user, kind=job.kind, file=fh, dry_run=True, progress=progress)
                _finish(job, result, Status.VALIDATED if result.ok else Status.INVALID)
    finally:
        cache.delete(progress_key(job.pk))
    job.refresh_from_db()
    return job


@shared_task(name="sanzero.import_job", **jobs.task_options())
def import_job_task(job_id: int, confirm: bool = False) -> str:
    """Dry run (confirm=False) or import (confirm=True) of one ImportJob; returns its status."""
    return job_run(job_id=job_id, confirm=confirm).status


def _counts(result: ImportResult) -> dict:
    errors = [{"row": e.row, "column": e.column, "message": e.message, "level": "error"} for e in result.row_errors]
    warnings = [{"row": e.row, "column": e.column, "message": e.message, "level": "warning"} for e in result.warnings]
    return {
        "total_rows": result.total,
        "new_rows": result.new,
        "changed_rows": result.changed,
        "unchanged_rows": result.unchanged,
        "errors": errors + warnings,
    }


def _finish(job: ImportJob, result: ImportResult, status: str) -> None:
    # A passed dry run is not finished: the job goes on when it is confirmed.
    extra = {"finished_at": None} if status == Status.VALIDATED else {}
    jobs.finish(job, status=status, **extra, **_counts(result))


def job_record(*, actor, kind: ImportKind, path: str, result: ImportResult) -> ImportJob:
    """The job row of an import run from the command line (import_xlsx): who, which file (a copy, when
    it is not over the upload limit), the counts and every error, as for an upload."""
    from django.core.files import File

    from .engine import MAX_BYTES

    if result.dry_run:
        status = Status.VALIDATED if result.ok else Status.INVALID
    else:
        status = Status.DONE if result.ok else Status.FAILED
    now = timezone.now()
    job = ImportJob(
        user=actor,
        kind=kind.name,
        filename=os.path.basename(path)[-200:],
        status=status,
        progress=100,
        started_at=now,
        finished_at=None if status == Status.VALIDATED else now,
        **_counts(result),
    )
    try:
        if os.path.getsize(path) <= MAX_BYTES:
            with open(path, "rb") as fh:
                job.file.save(f"{kind.name}-{uuid.uuid4().hex[:12]}.xlsx", File(fh), save=False)
    except OSError:
        logger.warning("could not keep a copy of %s", path)
    job.save()
    return job


def job_kind(job: ImportJob) -> ImportKind | None:
    try:
        return get_kind(job.kind)
    except KeyError:
        return None
