"""Celery tasks for circles' discussions: fetch by id and call a service. Idempotent (dedupe keys)."""

from celery import shared_task

from . import services


@shared_task
def post_notifications_send(post_id: int) -> int:
    return services.post_notifications_send(post_id=post_id)
