"""Production settings for the loopback load test: plain HTTP, e-mail written to files, a cache prefix of its own."""

import os

from p2pu.settings.production import *  # noqa: F403
from p2pu.settings.production import CACHES, STORAGES

# Loopback HTTP: the cookies must travel without TLS.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
# Every e-mail the worker sends is a file: the invariants count them.
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["LOADTEST_MAIL_DIR"]
CACHES["default"]["KEY_PREFIX"] = os.environ.get("LOADTEST_CACHE_PREFIX", "loadtest")
# The crowd signs in far more often than people do.
ACCOUNT_RATE_LIMITS = False
# A queue of the run's own: a shared Redis may carry other workers' queues.
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("LOADTEST_QUEUE", "loadtest")
