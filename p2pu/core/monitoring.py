"""What an operator watches: readiness of the services a web process needs, the Celery queue, task failures.

Task failures are kept in the cache (Redis in production, so every worker's failures show in every web
process); ``TASK_FAILURES_KEPT`` recent ones, newest first.
"""

import datetime as dt
import logging
import time

from celery import current_app
from celery.signals import task_failure
from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from .request_ids import request_id_current

logger = logging.getLogger(__name__)

FAILURES_KEY = "monitoring:task-failures"
_READINESS_PROBE_KEY = "monitoring:readiness-probe"
# Migrations found applied stay applied for the life of the process: the check reads every migration file.
_migrations_applied = False


def database_check() -> None:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")


def cache_check() -> None:
    token = str(time.monotonic_ns())
    cache.set(_READINESS_PROBE_KEY, token, 30)
    if cache.get(_READINESS_PROBE_KEY) != token:
        raise RuntimeError("the cache did not return what was just stored")


def broker_check() -> None:
    with current_app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1, timeout=settings.READYZ_BROKER_TIMEOUT)


def migrations_check() -> None:
    global _migrations_applied
    if _migrations_applied:
        return
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    unapplied = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if unapplied:
        names = ", ".join(f"{migration.app_label}.{migration.name}" for migration, _backwards in unapplied[:5])
        raise RuntimeError(f"{len(unapplied)} unapplied, first: {names}")
    _migrations_applied = True


READINESS_CHECKS = {
    "database": database_check,
    "cache": cache_check,
    "broker": broker_check,
    "migrations": migrations_check,
}


def readiness() -> tuple[bool, dict]:
    """Run every readiness check; ``(all passed, detail per check)``. A failing check never raises."""
    detail = {}
    for name, check in READINESS_CHECKS.items():
        started = time.perf_counter()
        try:
            check()
        except Exception as error:  # noqa: BLE001 — any failure means "not ready", and the detail says which
            detail[name] = {"ok": False, "error": f"{type(error).__name__}: {error}"}
        else:
            detail[name] = {"ok": True}
        detail[name]["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return all(item["ok"] for item in detail.values()), detail


def queue_length(queue: str | None = None) -> int | None:
    """Messages waiting in a Celery queue (the default one unless named); None when the broker can't tell."""
    name = queue or current_app.conf.task_default_queue
    try:
        with current_app.connection_for_read() as connection:
            connection.ensure_connection(max_retries=1, timeout=settings.READYZ_BROKER_TIMEOUT)
            return connection.default_channel.queue_declare(queue=name, passive=True).message_count
    except Exception as error:  # noqa: BLE001 — a queue nobody declared yet, or a broker that is down
        if "NOT_FOUND" in str(error) or "no queue" in str(error).lower():
            return 0
        logger.warning("queue length unavailable: %s", error)
        return None


def task_failure_record(*, task_name: str, task_id: str, error: BaseException, at: dt.datetime) -> None:
    failures = cache.get(FAILURES_KEY) or []
    failures.insert(
        0,
        {
            "task": task_name,
            "task_id": task_id,
            "error": f"{type(error).__name__}: {error}"[:300],
            "at": at.isoformat(),
            "request_id": request_id_current(),
        },
    )
    cache.set(FAILURES_KEY, failures[: settings.TASK_FAILURES_KEPT], None)


def task_failures_recent() -> list[dict]:
    return cache.get(FAILURES_KEY) or []


def task_failures_since(since: dt.datetime) -> int:
    return sum(1 for failure in task_failures_recent() if dt.datetime.fromisoformat(failure["at"]) >= since)


def task_summary() -> dict:
    """The queue and the failures of the past hour, for /readyz and the admin panel."""
    return {
        "queue": current_app.conf.task_default_queue,
        "queue_length": queue_length(),
        "failures_last_hour": task_failures_since(timezone.now() - dt.timedelta(hours=1)),
    }


@task_failure.connect(dispatch_uid="monitoring-task-failure")
def _task_failure_recorded(sender=None, task_id=None, exception=None, **kwargs):
    task_failure_record(
        task_name=getattr(sender, "name", str(sender)), task_id=task_id, error=exception, at=timezone.now()
    )
