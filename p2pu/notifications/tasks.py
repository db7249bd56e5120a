"""Celery tasks: thin wrappers that fetch by id and call a service.

The services queue these by their registered names (``p2pu.core.jobs.enqueue_after_commit``), so only
this module imports the other: tasks → services.

The e-mail tasks retry transient SMTP and connection failures with exponential backoff (30 s, 1 min,
2 min, … with jitter, at most an hour apart, by default: see the Notifications settings); the services'
claims make a retry or a duplicated message harmless, and the last attempt marks the e-mail failed
instead of handing it back.
"""

import datetime as dt
import logging

from celery import shared_task
from django.conf import settings

from .services import delivery, digests, rendered, stalled

logger = logging.getLogger(__name__)

EMAIL_RETRY_OPTIONS = {
    "autoretry_for": delivery.TRANSIENT_EMAIL_ERRORS,
    "retry_backoff": settings.NOTIFICATION_EMAIL_RETRY_BACKOFF,
    "retry_backoff_max": settings.NOTIFICATION_EMAIL_RETRY_BACKOFF_MAX,
    "retry_jitter": True,
    "max_retries": settings.NOTIFICATION_EMAIL_MAX_RETRIES,
    # The worker process is killed past this, so an e-mail still "sending" after
    # NOTIFICATION_EMAIL_STALLED_AFTER has no live sender and may be queued again.
    "time_limit": settings.NOTIFICATION_EMAIL_TIME_LIMIT,
}


@shared_task(bind=True, **EMAIL_RETRY_OPTIONS)
def send_notification_email(self, notification_id: int) -> None:
    delivery.notification_email_deliver(
        notification_id=notification_id, will_retry=self.request.retries < self.max_retries
    )


@shared_task
def requeue_stalled_emails() -> None:
    stalled.stalled_emails_requeue()


@shared_task
def send_notification_emails(notification_ids: list[int]) -> None:
    """A scheduled job's batch: each e-mail once; one that fails transiently goes on to its own retrying task."""
    for notification_id in notification_ids:
        try:
            delivery.notification_email_deliver(notification_id=notification_id, will_retry=True)
        except delivery.TRANSIENT_EMAIL_ERRORS:
            send_notification_email.delay(notification_id)
        except Exception:
            # Already marked failed; the rest of the batch still goes out.
            logger.exception("Notification %s could not be e-mailed", notification_id)


@shared_task
def send_daily_digests() -> None:
    digests.daily_digests_send()


@shared_task(bind=True, **EMAIL_RETRY_OPTIONS)
def send_daily_digest(self, user_id: int, date: str) -> None:
    digests.digest_deliver(
        user_id=user_id, date=dt.date.fromisoformat(date), will_retry=self.request.retries < self.max_retries
    )


@shared_task(bind=True, **EMAIL_RETRY_OPTIONS)
def send_rendered_email(
    self,
    *,
    to: list[str],
    subject: str,
    text: str,
    html: str = "",
    from_email: str | None = None,
    headers: dict[str, str] | None = None,
    dedupe_key: str,
) -> None:
    rendered.rendered_email_send(
        to=to,
        subject=subject,
        text=text,
        html=html,
        from_email=from_email,
        headers=headers,
        dedupe_key=dedupe_key,
        will_retry=self.request.retries < self.max_retries,
    )
