"""Fan-out (issue 11): a year, or a city or province, computed as per-county Celery tasks.

A SnapshotJob whose region is above the counties, or that covers more than one month, is split into
SnapshotPart rows: for each month, one part per county (compute.compute_unit: the county's subjects
and the rows of its subtree) and one part for the rows above the counties (compute.compute_above: the
city and province rows and the region's ancestors, summed from the counties' rows). The county parts
are sent as one Celery group; workers on several machines share them (prefetch 1, acks late). The
part that finds its month's counties all written runs the month's part above them; the last part
finishes the job. Every part is idempotent (its rows are deleted and written again in one
transaction) and takes the job's start time as its ``computed_at``, so the rows equal those of one
compute_month per month (tests/test_fanout.py).

Progress on the job page is the share of parts done. A part that raises fails the job; a month locked
meanwhile refuses it (已拒绝). A part redelivered after its worker died (acks late) finds it running:
it runs it again once its heartbeat is older than JOB_HEARTBEAT_STALE, the computation being
idempotent; otherwise it does nothing.

Eager mode (the embedded default, the tests) runs the same parts one after the other in-process.
"""

from __future__ import annotations

import datetime
import logging
import time

from celery import group, shared_task
from django.db.models import Q
from django.utils import timezone

from sanzero import jobs
from units.models import Region

from . import compute
from .models import SnapshotJob, SnapshotPart

log = logging.getLogger(__name__)
Part = SnapshotPart


def wanted(job: SnapshotJob) -> bool:
    """Whether the job is split up: several months, or a region above the counties."""
    return len(job.months) > 1 or job.region.level in compute.ABOVE_COUNTIES


def start(job: SnapshotJob) -> None:
    """Create the job's parts and send its county parts. Locked months are skipped (and said so)."""
    units = compute.units_of(job.region)
    parts, skipped = [], []
    for month in job.months:
        if compute.lock_for(job.region, month) is not None:
            skipped.append(month)
            continue
        parts += [Part(job=job, region=unit, month=month, kind=Part.Kind.COUNTY) for unit in units]
        parts.append(Part(job=job, region=job.region, month=month, kind=Part.Kind.ABOVE))
    if skipped:
        jobs.progress(job, job.progress, message="、".join(f"{m:%Y年%-m月}" for m in skipped) + "已锁定，未重新计算。")
    if not parts:
        jobs.finish(job, status=SnapshotJob.Status.REFUSED, message=job.message or "所选月份均已锁定。")
        return
    Part.objects.bulk_create(parts)
    ids = list(job.parts.filter(kind=Part.Kind.COUNTY).order_by("month", "region__code").values_list("pk", flat=True))
    if not ids:  # no county below (a city without counties): the rows above at once
        for month in sorted({p.month for p in parts}):
            _advance(job.pk, month)
        return
    signatures = [snapshot_part_task.si(pk) for pk in ids]
    if snapshot_part_task.app.conf.task_always_eager:
        group(signatures).apply()
    else:
        group(signatures).apply_async(ignore_result=True)


def _claim(part_id: int) -> Part | None:
    """queued → running; a running part whose job's heartbeat stopped (its worker died) is taken again."""
    stale = timezone.now() - jobs.heartbeat_stale_after()
    claimable = Q(status=Part.Status.QUEUED) | Q(status=Part.Status.RUNNING, job__heartbeat_at__lt=stale)
    now = timezone.now()
    if not Part.objects.filter(claimable, pk=part_id, job__status=SnapshotJob.Status.RUNNING).update(
        status=Part.Status.RUNNING, started_at=now
    ):
        return None
    return Part.objects.select_related("job", "region", "job__region").get(pk=part_id)


def run_part(part_id: int) -> str:
    """The task body of a county part: compute, record, then advance the job."""
    part = _claim(part_id)
    if part is None:
        return "skipped"
    _run(part)
    _advance(part.job_id, part.month)
    return part.status


def _run(part: Part) -> None:
    job = part.job
    started = time.monotonic()
    fields: dict = {}
    try:
        with jobs.heartbeat(job):
            if part.kind == Part.Kind.COUNTY:
                result = compute.compute_unit(unit=part.region, month=part.month, now=job.started_at)
            else:
                result = compute.compute_above(region=part.region, month=part.month, now=job.started_at)
        fields = {"status": Part.Status.DONE, "subject_count": result.subjects}
    except compute.MonthLocked as exc:
        fields = {"status": Part.Status.REFUSED, "message": str(exc)[:300]}
        jobs.finish(job, status=SnapshotJob.Status.REFUSED, message=str(exc), progress=job.progress)
    except Exception as exc:  # the job page tells it; the other parts stop at their claim
        log.exception("snapshot part %s failed", part.pk)
        fields = {"status": Part.Status.FAILED, "message": str(exc)[:300]}
        jobs.fail(job, f"计算失败（{part.region.name} {part.month:%Y年%-m月}）：{exc}")
    fields.update(seconds=time.monotonic() - started, finished_at=timezone.now())
    Part.objects.filter(pk=part.pk).update(**fields)
    for name, value in fields.items():
        setattr(part, name, value)


def _advance(job_id: int, month: datetime.date) -> None:
    """After a part: the month's part above the counties once its counties are done, then the job's
    progress, and its end once every part is done. Conditional updates: two parts finishing together
    run the part above once."""
    job = SnapshotJob.objects.select_related("region").get(pk=job_id)
    if job.status != SnapshotJob.Status.RUNNING:
        return
    month_parts = job.parts.filter(month=month)
    if not month_parts.filter(kind=Part.Kind.COUNTY).exclude(status=Part.Status.DONE).exists():
        above = month_parts.filter(kind=Part.Kind.ABOVE).values_list("pk", flat=True).first()
        if above is not None:
            claimed = _claim(above)
            if claimed is not None:
                _run(claimed)
    job.refresh_from_db()
    if job.status != SnapshotJob.Status.RUNNING:
        return
    statuses = list(job.parts.values_list("status", flat=True))
    done = statuses.count(Part.Status.DONE)
    if done < len(statuses):
        jobs.progress(job, 5 + 94 * done // len(statuses))
        return
    months = sorted(set(job.parts.values_list("month", flat=True)))
    last = job.parts.filter(month=months[-1])
    subjects = sum(p.subject_count or 0 for p in last)
    regions = Region.objects.filter(
        Q(code__startswith=job.region.prefix) | Q(code__in=job.region.ancestor_codes())
    ).count()
    seconds = (timezone.now() - job.started_at).total_seconds()
    label = f"{len(months)}个月、" if len(months) > 1 else ""
    jobs.finish(
        job,
        message=(job.message + " " if job.message else "")
        + f"已计算{label}{subjects}个主体、{regions}个区划（{len(statuses)}个部分），用时{seconds:.1f}秒。",
        subject_count=subjects,
        region_count=regions,
        seconds=seconds,
    )


@shared_task(name="dashboards.compute_snapshot_part", **jobs.task_options())
def snapshot_part_task(part_id: int) -> str:
    return run_part(part_id)


def compute_in_process(*, region: Region, months: list[datetime.date], now: datetime.datetime | None = None) -> int:
    """The parts of ``region``'s months one after the other in this process, without job rows (the
    benchmark, and the test that compares them with compute_month). Returns the subjects written."""
    now = now or timezone.now()
    units = compute.units_of(region)
    subjects = 0
    for month in months:
        for unit in units:
            subjects += compute.compute_unit(unit=unit, month=month, now=now).subjects
        subjects += compute.compute_above(region=region, month=month, now=now).subjects
    return subjects
