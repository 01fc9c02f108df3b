"""Beat tasks of the dashboards app. The job task, compute_snapshots_task, is defined beside its body in
dashboards.services (imported here, so that Celery's autodiscovery registers it)."""

import datetime

from celery import shared_task
from django.utils import timezone

from units.models import Region

from . import compute, services
from .fanout import snapshot_part_task  # noqa: F401 - registered for the worker
from .incremental import refresh_subjects_task  # noqa: F401 - registered for the worker
from .models import SnapshotJob
from .services import compute_snapshots_task  # noqa: F401 - registered for the worker


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
