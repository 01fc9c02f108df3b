"""Beat tasks of the kernel. The job tasks are defined beside their bodies (import_job_task in
sanzero.importing.jobs, export_list_task in sanzero.exporting.services) and imported here, so that
Celery's autodiscovery (config/celery.py) registers them in the worker. The overdue notifications are
the ledger framework's (ledger.tasks)."""

from celery import shared_task

from . import jobs
from .exporting.services import export_cleanup, export_list_task  # noqa: F401 - registered for the worker
from .importing.jobs import import_job_task  # noqa: F401 - registered for the worker
from .services import form_submissions_cleanup


@shared_task(name="sanzero.give_up_stale_jobs")
def give_up_stale_jobs_task() -> dict[str, int]:
    """Every 10 minutes (beat): the import, export and snapshot jobs a dead worker left queued or running
    are marked failed, so that their pages stop polling and say 已停止响应."""
    return jobs.give_up_stale_jobs()


@shared_task(name="exporting.cleanup_exports")
def cleanup_exports_task() -> int:
    """Daily (beat): delete the files of exports older than 7 days."""
    return export_cleanup()


@shared_task(name="sanzero.cleanup_form_submissions")
def cleanup_form_submissions_task() -> int:
    """Daily (beat): forget create-form tokens older than a day (sanzero.services.create_once)."""
    return form_submissions_cleanup()
