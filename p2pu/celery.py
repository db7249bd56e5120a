"""The Celery app, configured from Django settings (``CELERY_*``)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "p2pu.settings.dev")

app = Celery("p2pu")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
