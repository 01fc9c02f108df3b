"""The kernel's tasks, found by Celery's autodiscovery of <app>.tasks: the export jobs and their cleanup."""

from .exporting.tasks import cleanup_exports_task, export_list_task  # noqa: F401 - registered for the worker
