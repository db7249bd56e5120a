"""The Celery app, configured from Django settings (``CELERY_*``)."""

import os

from celery import Celery

# Signal handlers: the request id into and out of task messages, and task failures for the operators.
from p2pu.core import monitoring, request_ids  # noqa: F401

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "p2pu.settings.dev")

app = Celery("p2pu")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
