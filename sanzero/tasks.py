from celery import shared_task

from .exporting.tasks import cleanup_exports_task, export_list_task  # noqa: F401 - registered for the worker
from .supervision import notify_newly_overdue


@shared_task(name="sanzero.notify_overdue")
def notify_overdue_task() -> int:
    """Daily (beat): record entries that became overdue as notifications for their township."""
    return notify_newly_overdue()
