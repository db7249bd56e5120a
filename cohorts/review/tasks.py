"""Celery tasks for peer review: thin wrappers that fetch by id and call cohorts.review.services.

The periodic ones are in settings.CELERY_BEAT_SCHEDULE; ``allocate_late_submission`` is queued by
``submission_submit`` by its name once the submission commits (``p2pu.core.jobs``), so the services
never import this module. Every one is idempotent: allocation happens once
per activity (under its row lock), late work is only topped up to the reviews it lacks, and every
notification carries a dedupe key.
"""

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task
def allocate_due_reviews() -> int:
    return services.reviews_allocate_due(now=timezone.now())


@shared_task
def allocate_late_submission(submission_id: int) -> int:
    return len(services.review_late_allocate(submission_id=submission_id, now=timezone.now()))


@shared_task
def expire_review_leases() -> int:
    return services.review_leases_expire(now=timezone.now())


@shared_task
def send_review_reminders() -> int:
    return services.review_reminders_send(now=timezone.now())


@shared_task
def alert_stuck_submissions() -> int:
    return services.submissions_stuck_alert(now=timezone.now())
