"""Beat task of the API: drop old call records (API_LOG_DAYS)."""

from celery import shared_task

from .services import api_call_log_purge


@shared_task(name="api.purge_call_logs")
def purge_call_logs() -> int:
    return api_call_log_purge()
