"""Celery tasks for the end-of-circle surveys: thin wrappers around cohorts.surveys.services.

``ask_end_surveys`` is queued by name when circles finish (cohorts.services.circles); the hourly sweep is in
settings.CELERY_BEAT_SCHEDULE. Both are idempotent.
"""

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task
def ask_end_surveys(circle_ids: list[int]) -> int:
    return services.end_surveys_ask(circle_ids=circle_ids, now=timezone.now())


@shared_task
def ask_due_end_surveys() -> int:
    return services.end_surveys_ask_due(now=timezone.now())
