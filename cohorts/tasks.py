"""Celery tasks for study circles: thin wrappers that fetch by id and call cohorts.services.

The periodic ones are in settings.CELERY_BEAT_SCHEDULE; the per-event ones are queued by the services
after commit, by name (p2pu.core.jobs.enqueue_after_commit), so the services never import this module.
Every one is idempotent, so a retry or a duplicate delivery is harmless.
"""

from celery import shared_task
from django.utils import timezone

from . import services
from .models import Circle
from .review import tasks as review_tasks  # noqa: F401 (so Celery's autodiscovery registers them too)


@shared_task
def send_meeting_reminders() -> int:
    return services.meeting_reminders_send(now=timezone.now())


@shared_task
def advance_circle_life_cycles() -> dict[str, int]:
    return services.circles_advance(now=timezone.now())


@shared_task
def send_feedback_prompts() -> int:
    return services.feedback_prompts_send(now=timezone.now())


@shared_task
def send_facilitator_digests() -> int:
    return services.facilitator_digests_send(now=timezone.now())


@shared_task
def promote_waitlists() -> int:
    return services.waitlists_promote()


@shared_task
def promote_waitlist(circle_id: int) -> int:
    circle = Circle.objects.filter(pk=circle_id).first()
    return len(services.waitlist_promote(circle=circle)) if circle else 0


@shared_task
def notify_meeting_changed(meeting_id: int, sequence: int, actor_id: int | None = None) -> int:
    return services.meeting_changed_notify(meeting_id=meeting_id, sequence=sequence, actor_id=actor_id)
