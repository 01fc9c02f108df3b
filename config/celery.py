"""The Celery application (celery -A config). Without REDIS_URL the settings make every task run eagerly in-process."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("sanzero")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="sanzero.ping")
def ping() -> str:
    """Round trip used by /healthz-style checks and the worker test."""
    return "pong"
