"""Thin Celery tasks: they take ids, call one service, and may run twice or be killed midway safely."""

import datetime

from celery import shared_task
from django.utils import timezone

from units.models import Region

from . import compute, services
from .models import SnapshotJob


@shared_task(name="dashboards.compute_snapshots", acks_late=True)
def compute_snapshots_task(job_id: int) -> str:
    job = services.snapshot_run_job(job_id=job_id)
    return job.status


@shared_task(name="dashboards.compute_scheduled")
def compute_scheduled_task() -> list[str]:
    """Beat: nightly the current month; on the 1st also the previous month. Locked months are skipped."""
    today = timezone.localdate()
    months = [today.replace(day=1)]
    if today.day == 1:
        months.insert(0, (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1))
    done = []
    for root in Region.objects.filter(parent__isnull=True):
        for month in months:
            if compute.lock_for(root, month) is not None:
                done.append(f"{root.code} {month:%Y-%m} locked")
                continue
            job = SnapshotJob.objects.create(region=root, month=month)
            done.append(f"{root.code} {month:%Y-%m} {services.snapshot_run_job(job_id=job.pk).status}")
    return done
