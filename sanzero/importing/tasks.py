"""The import task: thin, takes the job id, idempotent (a finished step is not run again)."""

from celery import shared_task


@shared_task(name="sanzero.import_job", acks_late=True)
def import_job_task(job_id: int, confirm: bool = False) -> str:
    """Dry run (confirm=False) or import (confirm=True) of one ImportJob; returns its status."""
    from .jobs import job_run

    return job_run(job_id=job_id, confirm=confirm).status


@shared_task(name="sanzero.import_give_up_stale")
def import_give_up_stale_task() -> int:
    """Daily (beat): jobs a dead worker left running are marked failed."""
    from .jobs import give_up_stale

    return give_up_stale()
