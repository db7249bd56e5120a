"""The courses app's Celery tasks, gathered here so Celery's autodiscovery (which imports each app's
``tasks`` module) registers those that live in sub-packages."""

from .exports import tasks as export_tasks  # noqa: F401 (registers the export builds)
