"""Handing stalled e-mail back to the queue: a beat job (``tasks.requeue_stalled_emails``) calls this.

Two ways an e-mail stalls: a worker dies mid-send (the row stays ``sending``), or the broker is down
when the transaction commits (the row stays ``pending`` and no task was queued; ``enqueue_after_commit``
only logs it). A third is the first made late: a retry waiting for its back-off whose message the broker
lost. Each is handed back only once it is older than any live attempt can be:

- ``sending`` claimed more than ``NOTIFICATION_EMAIL_STALLED_AFTER`` seconds ago: longer than the e-mail
  tasks' hard time limit, so no worker can still be sending it. It goes back to ``pending`` (one
  conditional UPDATE: of two sweeps at once only one wins) and is queued again.
- ``pending`` never claimed and recorded that long ago: queued again.
- ``pending`` after a failed attempt, claimed longer ago than the longest retry back-off plus that age.

Queuing twice is harmless: a sender must claim the row first, and only one claim can succeed.
"""

import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from p2pu.core.jobs import enqueue_after_commit

from ..models import DeliveryState, DigestDelivery, Notification

EmailState = Notification.EmailState

NOTIFICATION_TASK = "p2pu.notifications.tasks.send_notification_email"
DIGEST_TASK = "p2pu.notifications.tasks.send_daily_digest"


def stalled_emails_requeue(*, now: dt.datetime | None = None) -> int:
    """Queue again every stalled notification e-mail and daily digest; returns how many were queued."""
    now = now or timezone.now()
    stalled_before = now - dt.timedelta(seconds=settings.NOTIFICATION_EMAIL_STALLED_AFTER)
    retry_lost_before = stalled_before - dt.timedelta(seconds=settings.NOTIFICATION_EMAIL_RETRY_BACKOFF_MAX)
    queued = 0

    # Handed back as never claimed (it was recorded before it was claimed, so the query below queues it).
    dead_senders = Notification.objects.filter(
        email_state=EmailState.SENDING, email_claimed_at__lt=stalled_before, digest__isnull=True
    )
    for pk, claimed_at in dead_senders.values_list("pk", "email_claimed_at"):
        Notification.objects.filter(pk=pk, email_state=EmailState.SENDING, email_claimed_at=claimed_at).update(
            email_state=EmailState.PENDING, email_claimed_at=None
        )
    never_queued = Notification.objects.filter(email_state=EmailState.PENDING).filter(
        Q(email_claimed_at__isnull=True, created_at__lt=stalled_before) | Q(email_claimed_at__lt=retry_lost_before)
    )
    for pk in never_queued.values_list("pk", flat=True):
        enqueue_after_commit(NOTIFICATION_TASK, pk)
        queued += 1

    # A digest collects its notifications (sending, linked to it) when claimed; a new claim collects them
    # again. Handed back as never claimed, like a notification above.
    for pk, claimed_at in DigestDelivery.objects.filter(
        state=DeliveryState.SENDING, claimed_at__lt=stalled_before
    ).values_list("pk", "claimed_at"):
        DigestDelivery.objects.filter(pk=pk, state=DeliveryState.SENDING, claimed_at=claimed_at).update(
            state=DeliveryState.PENDING, claimed_at=None
        )
    waiting = DigestDelivery.objects.filter(state=DeliveryState.PENDING).filter(
        Q(claimed_at__isnull=True, created_at__lt=stalled_before) | Q(claimed_at__lt=retry_lost_before)
    )
    for user_id, date in waiting.values_list("user_id", "date"):
        enqueue_after_commit(DIGEST_TASK, user_id, date.isoformat())
        queued += 1
    return queued
