"""Thin Celery tasks for list exports: they take ids and may run twice safely (see services)."""

from celery import shared_task

from . import services


@shared_task(name="exporting.export_list", acks_late=True)
def export_list_task(job_id: int) -> str:
    job = services.export_job_run(job_id=job_id)
    return job.status if job is not None else "missing"


@shared_task(name="exporting.cleanup_exports")
def cleanup_exports_task() -> dict:
    """Delete expired export files (7 days) and give up stale jobs; daily, from beat (settings)."""
    return services.export_cleanup()
