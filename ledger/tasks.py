from celery import shared_task

from .supervision import notify_newly_overdue


@shared_task(name="ledger.notify_overdue")
def notify_overdue_task() -> int:
    """Daily (beat): record entries that became overdue as notifications for their township."""
    return notify_newly_overdue()
