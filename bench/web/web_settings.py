"""Production settings for the web benchmark: a bare view beside the site, static files from the source tree.

Everything else is production's (DEBUG off, the same middleware, templates and caches). The cache keys get
a prefix of the run's own, so a shared Redis never serves another run's pages.
"""

import os

from p2pu.settings.production import *  # noqa: F403
from p2pu.settings.production import BASE_DIR, CACHES, REDIS_URL, STORAGES, TEMPLATES

ROOT_URLCONF = "web_urls"
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "web" / "templates"]
# No collectstatic for a benchmark: pages name their static files without the manifest's hashes.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
CACHES["default"]["KEY_PREFIX"] = os.environ.get("BENCH_CACHE_PREFIX", "")
# On a shared Redis, tasks the pages queue wait in a queue of the run's own (no worker runs), deleted
# afterwards; the filesystem broker's queue lives in the run's own folder anyway.
if REDIS_URL:
    CELERY_TASK_DEFAULT_QUEUE = os.environ.get("BENCH_CACHE_PREFIX", "celery")
