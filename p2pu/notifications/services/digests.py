"""The daily digest: queuing it when each person's morning comes, and sending it at most once a day."""

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone, translation
from django.utils.translation import ngettext

from p2pu.core.jobs import enqueue_after_commit
from p2pu.core.links import absolute_reverse, absolute_url
from p2pu.core.locales import person_language
from p2pu.core.zones import zone_named

from ..kinds import ALL_KINDS, Frequency
from ..models import DeliveryState, DigestDelivery, Notification
from .delivery import claim, email_build, release
from .preferences import email_frequency, preferences_get

EmailState = Notification.EmailState


def daily_digests_send(*, now: dt.datetime | None = None) -> int:
    """Queue a digest for everyone whose morning has come and who has notifications waiting for one.

    Meant to run every hour, so each person's digest leaves soon after NOTIFICATION_DIGEST_HOUR in their
    own time zone. Returns how many digests were queued.
    """
    now = now or timezone.now()
    waiting = (
        get_user_model()
        .objects.filter(notifications__email_state=EmailState.DIGEST)
        .distinct()
        .values_list("pk", "time_zone")
    )
    due: dict[int, dt.date] = {}
    for user_id, zone_name in waiting:
        local = now.astimezone(zone_named(zone_name))
        if local.hour >= settings.NOTIFICATION_DIGEST_HOUR:
            due[user_id] = local.date()
    if not due:
        return 0
    delivered = set(
        DigestDelivery.objects.filter(user_id__in=due, date__gte=min(due.values())).values_list("user_id", "date")
    )
    queued = 0
    for user_id, date in due.items():
        if (user_id, date) not in delivered:
            enqueue_after_commit("p2pu.notifications.tasks.send_daily_digest", user_id, date.isoformat())
            queued += 1
    return queued


def digest_deliver(*, user_id: int, date: dt.date, will_retry: bool = False) -> bool:
    """Send one person's digest for one day at most once; True if this call sent it."""
    delivery, _ = DigestDelivery.objects.get_or_create(user_id=user_id, date=date)
    rows = DigestDelivery.objects.filter(pk=delivery.pk)
    if not claim(rows, field="state", claimed_at_field="claimed_at"):
        return False
    collected = Notification.objects.filter(digest=delivery, email_state=EmailState.SENDING)
    try:
        user = get_user_model().objects.get(pk=user_id)
        preferences = preferences_get(user=user)
        waiting = list(Notification.objects.filter(recipient=user, email_state=EmailState.DIGEST))
        wanted = [
            notification.pk
            for notification in waiting
            # Already read on the site, or switched off since: the digest would only repeat it.
            if notification.read_at is None
            and email_frequency(user=user, kind=notification.kind, preferences=preferences) != Frequency.OFF
            and user.is_active
            and user.email
        ]
        Notification.objects.filter(pk__in=[n.pk for n in waiting if n.pk not in wanted]).update(
            email_state=EmailState.SKIPPED
        )
        # Conditional on the state, so a notification can only ever join one digest.
        Notification.objects.filter(pk__in=wanted, email_state=EmailState.DIGEST).update(
            email_state=EmailState.SENDING, digest=delivery
        )
        notifications = list(collected.select_related("actor").order_by("created_at", "pk"))
        if not notifications:
            rows.update(state=DeliveryState.SKIPPED)
            return False
        count = len(notifications)
        language = person_language(user)
        with translation.override(language):
            subject = ngettext(
                "Your daily digest: %(count)d new notification", "Your daily digest: %(count)d new notifications", count
            ) % {"count": count}
        message = email_build(
            user=user,
            language=language,
            subject=subject,
            template="notifications/email/digest",
            context={
                "notifications": [(n, absolute_url(n.url)) for n in notifications],
                "date": date,
                "list_url": absolute_reverse("notifications:list"),
            },
            unsubscribe_kind=ALL_KINDS,
        )
        message.send()
    except Exception as error:
        # The notifications wait for the retry, or for tomorrow's digest.
        collected.update(email_state=EmailState.DIGEST, digest=None)
        release(rows, field="state", error=error, will_retry=will_retry)
        raise
    now = timezone.now()
    collected.update(email_state=EmailState.SENT, emailed_at=now)
    rows.update(state=DeliveryState.SENT, sent_at=now)
    return True
