"""Everything that records notifications, changes preferences or sends e-mail. Keyword arguments only.

Other apps call ``notification_send`` (or ``notifications_send_many``) inside their own transaction; the
e-mail is queued on Celery only after that transaction commits, and every sender claims its row before
sending (see models.py), so no event is recorded twice and no e-mail goes out twice.
"""

import datetime as dt
import logging
import smtplib
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator

from . import kinds
from .kinds import ALL_KINDS, FREQUENCY_RANK, Frequency
from .models import DeliveryState, DigestDelivery, Notification, NotificationPreference, SentEmail

logger = logging.getLogger(__name__)

# Failures a later attempt may not meet (the mail server is down, busy or slow): the tasks retry these.
TRANSIENT_EMAIL_ERRORS = (smtplib.SMTPException, ConnectionError, TimeoutError)

# The daily digest goes out at the first run of the beat job after this hour in each person's own time zone.
DIGEST_LOCAL_HOUR = 7

UNSUBSCRIBE_SALT = "p2pu.notifications.unsubscribe"

EmailState = Notification.EmailState


def _queue_after_commit(task, *args, **kwargs) -> None:
    """Queue the task once the caller's transaction commits. Robust: a broker that is down is logged and
    leaves the row pending, and never undoes what the caller committed."""

    def queue_task():
        task.delay(*args, **kwargs)

    # Django names the failed callback in its log message by its qualified name.
    queue_task.__qualname__ = f"queue {task.name}"
    transaction.on_commit(queue_task, robust=True)


# --- Preferences -------------------------------------------------------------------------------------


def preferences_get(*, user) -> dict[str, str]:
    """The frequencies this person chose, by kind (``*`` included); kinds they never chose are absent."""
    return dict(NotificationPreference.objects.filter(user=user).values_list("kind", "frequency"))


def email_frequency(*, user, kind: str, preferences: dict[str, str] | None = None) -> Frequency:
    """How often this person gets e-mail about this kind: their choice, capped by their all-e-mail choice."""
    if preferences is None:
        preferences = dict(
            NotificationPreference.objects.filter(user=user, kind__in=[kind, ALL_KINDS]).values_list(
                "kind", "frequency"
            )
        )
    own = Frequency(preferences.get(kind, kinds.default_frequency(kind)))
    cap = Frequency(preferences.get(ALL_KINDS, Frequency.IMMEDIATELY))
    return min(own, cap, key=FREQUENCY_RANK.__getitem__)


def preference_set(*, user, kind: str, frequency: str) -> NotificationPreference:
    if kind != ALL_KINDS:
        try:
            kinds.get(kind)
        except LookupError as error:
            raise ValidationError(str(error), code="unknown_kind") from None
    if frequency not in Frequency.values:
        raise ValidationError(f"{frequency!r} is not one of {', '.join(Frequency.values)}.", code="bad_frequency")
    preference, _ = NotificationPreference.objects.update_or_create(
        user=user, kind=kind, defaults={"frequency": frequency}
    )
    return preference


@transaction.atomic
def preferences_set(*, user, frequencies: dict[str, str]) -> None:
    """Save a whole preferences form; kinds left at their default stay unpinned so a new default reaches them."""
    chosen = preferences_get(user=user)
    for kind, frequency in frequencies.items():
        default = Frequency.IMMEDIATELY if kind == ALL_KINDS else kinds.get(kind).default
        if chosen.get(kind, default) != frequency:
            preference_set(user=user, kind=kind, frequency=frequency)


# --- Recording notifications ---------------------------------------------------------------------------


def _email_state_for(*, recipient, frequency: Frequency) -> str:
    """Where a notification's e-mail stands given how often its recipient wants e-mail about its kind."""
    if not recipient.is_active or not recipient.email:
        return EmailState.SKIPPED
    return {
        Frequency.IMMEDIATELY: EmailState.PENDING,
        Frequency.DAILY: EmailState.DIGEST,
        Frequency.OFF: EmailState.SKIPPED,
    }[frequency]


def notification_send(
    *, recipient, kind: str, title: str, body: str = "", url: str = "", actor=None, dedupe_key: str
) -> Notification | None:
    """Tell one person about one event; returns None when this event was already recorded for them.

    ``dedupe_key`` names the event (e.g. ``f"circle.waitlist_promoted:{membership.pk}"``); the database's
    unique (recipient, dedupe_key) constraint makes a second call with the same key a no-op.
    """
    # Fails loudly on a misspelt kind rather than recording something no preference can switch off.
    kinds.get(kind)
    # The tasks module imports this one, so the task is looked up when needed.
    from .tasks import send_notification_email

    notification, created = Notification.objects.get_or_create(
        recipient=recipient,
        dedupe_key=dedupe_key,
        defaults={
            "kind": kind,
            "title": Truncator(title).chars(200),
            "body": body,
            "url": url,
            "actor": actor,
            "email_state": _email_state_for(recipient=recipient, frequency=email_frequency(user=recipient, kind=kind)),
        },
    )
    if not created:
        return None
    if notification.email_state == EmailState.PENDING:
        # robust: a broker outage after commit must not turn the caller's successful request into an error.
        _queue_after_commit(send_notification_email, notification.pk)
    return notification


def notifications_send_many(
    *, recipients: Iterable, kind: str, title: str, body: str = "", url: str = "", actor=None, dedupe_key: str
) -> list[Notification]:
    """Tell several people about the same event; returns the notifications that are new."""
    sent = (
        notification_send(recipient=recipient, kind=kind, title=title, body=body, url=url, actor=actor,
                          dedupe_key=dedupe_key)
        for recipient in recipients
    )  # fmt: skip
    return [notification for notification in sent if notification is not None]


def notification_mark_read(*, notification: Notification, user) -> Notification:
    if notification.recipient_id != user.pk:
        raise PermissionDenied("Only the recipient can mark a notification read.")
    if notification.read_at is None:
        now = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
        notification.read_at = now
    return notification


def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


# --- Sending e-mail at most once --------------------------------------------------------------------------
# Notification.email_state, DigestDelivery.state and SentEmail.state share the values pending, sending and
# failed, so one pair of helpers claims and releases all three.


def _claim(rows: QuerySet, *, field: str) -> bool:
    """Win the right to send: only one caller can move the row from pending to sending."""
    return bool(rows.filter(**{field: DeliveryState.PENDING}).update(**{field: DeliveryState.SENDING}))


def _release(rows: QuerySet, *, field: str, error: Exception, will_retry: bool) -> None:
    """Hand a failed claim back for the retry, or mark it failed when no retry will come."""
    retry = will_retry and isinstance(error, TRANSIENT_EMAIL_ERRORS)
    state = DeliveryState.PENDING if retry else DeliveryState.FAILED
    rows.filter(**{field: DeliveryState.SENDING}).update(**{field: state})


def absolute_url(path_or_url: str) -> str:
    if path_or_url.startswith("/") and not path_or_url.startswith("//"):
        return settings.SITE_URL + path_or_url
    return path_or_url


def unsubscribe_token_make(*, user, kind: str) -> str:
    return signing.dumps({"user": user.pk, "kind": kind}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(*, user, kind: str) -> str:
    token = unsubscribe_token_make(user=user, kind=kind)
    return absolute_url(reverse("notifications:unsubscribe", kwargs={"token": token}))


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def _email_build(*, user, subject: str, template: str, context: dict, unsubscribe_kind: str) -> EmailMultiAlternatives:
    """An HTML and plain-text e-mail to one person, with RFC 8058 one-click unsubscribe headers."""
    # A kind no longer registered has no preference of its own left to switch off.
    if unsubscribe_kind != ALL_KINDS and not kinds.is_registered(unsubscribe_kind):
        unsubscribe_kind = ALL_KINDS
    link = unsubscribe_url(user=user, kind=unsubscribe_kind)
    # A line break in a header would make the message invalid.
    subject = " ".join(subject.split())
    context = {
        **context,
        "user": user,
        "subject": subject,
        "site_name": settings.WAGTAIL_SITE_NAME,
        "site_url": settings.SITE_URL,
        "unsubscribe_url": link,
        "unsubscribe_label": "all notification e-mail"
        if unsubscribe_kind == ALL_KINDS
        else f"e-mail about “{kinds.get(unsubscribe_kind).label}”",
        "preferences_url": absolute_url(reverse("notifications:preferences")),
    }
    # Times in the e-mail read in the recipient's own zone, like on the site.
    with timezone.override(_zone(user.time_zone)):
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            # RFC 3834: tells vacation responders not to answer.
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def notification_email_deliver(*, notification_id: int, will_retry: bool = False) -> bool:
    """E-mail one notification unless it was already sent (or is being sent); True if this call sent it.

    ``will_retry`` says whether the caller retries a transient failure (the Celery task does, until its
    last attempt); without a retry the notification is marked failed.
    """
    rows = Notification.objects.filter(pk=notification_id)
    if not _claim(rows, field="email_state"):
        return False
    try:
        notification = rows.select_related("recipient").get()
        recipient = notification.recipient
        # The person may have changed their mind (or their account) since the event was recorded.
        state = _email_state_for(recipient=recipient, frequency=email_frequency(user=recipient, kind=notification.kind))
        if state != EmailState.PENDING:
            rows.update(email_state=state)
            return False
        message = _email_build(
            user=recipient,
            subject=notification.title,
            template="notifications/email/notification",
            context={"notification": notification, "url": absolute_url(notification.url)},
            unsubscribe_kind=notification.kind,
        )
        message.send()
    except Exception as error:
        _release(rows, field="email_state", error=error, will_retry=will_retry)
        raise
    rows.update(email_state=EmailState.SENT, emailed_at=timezone.now())
    return True


# --- The daily digest --------------------------------------------------------------------------------


def daily_digests_send(*, now: dt.datetime | None = None) -> int:
    """Queue a digest for everyone whose morning has come and who has notifications waiting for one.

    Meant to run every hour, so each person's digest leaves soon after DIGEST_LOCAL_HOUR in their own
    time zone. Returns how many digests were queued.
    """
    from .tasks import send_daily_digest

    now = now or timezone.now()
    waiting = (
        get_user_model()
        .objects.filter(notifications__email_state=EmailState.DIGEST)
        .distinct()
        .values_list("pk", "time_zone")
    )
    due: dict[int, dt.date] = {}
    for user_id, zone_name in waiting:
        local = now.astimezone(_zone(zone_name))
        if local.hour >= DIGEST_LOCAL_HOUR:
            due[user_id] = local.date()
    if not due:
        return 0
    delivered = set(
        DigestDelivery.objects.filter(user_id__in=due, date__gte=min(due.values())).values_list("user_id", "date")
    )
    queued = 0
    for user_id, date in due.items():
        if (user_id, date) not in delivered:
            _queue_after_commit(send_daily_digest, user_id, date.isoformat())
            queued += 1
    return queued


def digest_deliver(*, user_id: int, date: dt.date, will_retry: bool = False) -> bool:
    """Send one person's digest for one day at most once; True if this call sent it."""
    delivery, _ = DigestDelivery.objects.get_or_create(user_id=user_id, date=date)
    rows = DigestDelivery.objects.filter(pk=delivery.pk)
    if not _claim(rows, field="state"):
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
        message = _email_build(
            user=user,
            subject=f"Your daily digest: {count} new notification{'' if count == 1 else 's'}",
            template="notifications/email/digest",
            context={
                "notifications": [(n, absolute_url(n.url)) for n in notifications],
                "date": date,
                "list_url": absolute_url(reverse("notifications:list")),
            },
            unsubscribe_kind=ALL_KINDS,
        )
        message.send()
    except Exception as error:
        # The notifications wait for the retry, or for tomorrow's digest.
        collected.update(email_state=EmailState.DIGEST, digest=None)
        _release(rows, field="state", error=error, will_retry=will_retry)
        raise
    now = timezone.now()
    collected.update(email_state=EmailState.SENT, emailed_at=now)
    rows.update(state=DeliveryState.SENT, sent_at=now)
    return True


# --- Unsubscribing -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unsubscription:
    """What a valid unsubscribe link stands for: this person, this kind (or ``*``: all e-mail)."""

    user: object
    kind: str

    @property
    def label(self) -> str:
        return "all notification e-mail" if self.kind == ALL_KINDS else kinds.get(self.kind).label


def unsubscribe_token_read(*, token: str) -> Unsubscription:
    """Raises signing.SignatureExpired for an old link and signing.BadSignature for any other bad one."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=settings.SIGNED_LINK_MAX_AGE)
    user = get_user_model().objects.filter(pk=data.get("user")).first() if isinstance(data, dict) else None
    kind = data.get("kind") if isinstance(data, dict) else None
    if user is None or (kind != ALL_KINDS and not kinds.is_registered(kind)):
        raise signing.BadSignature("The link names no current person or kind of notification.")
    return Unsubscription(user=user, kind=kind)


def unsubscribe(*, token: str) -> Unsubscription:
    """Turn off the e-mail a signed link names; raises like unsubscribe_token_read and then changes nothing."""
    unsubscription = unsubscribe_token_read(token=token)
    preference_set(user=unsubscription.user, kind=unsubscription.kind, frequency=Frequency.OFF)
    return unsubscription


# --- Already-rendered e-mail (allauth's verification and password-reset messages) ----------------------------


def rendered_email_queue(
    *,
    to: list[str],
    subject: str,
    text: str,
    html: str = "",
    from_email: str | None = None,
    headers: dict[str, str] | None = None,
    dedupe_key: str,
) -> None:
    """Send a finished e-mail through Celery once the current transaction commits."""
    from .tasks import send_rendered_email

    task_kwargs = {
        "to": list(to),
        "subject": subject,
        "text": text,
        "html": html,
        "from_email": from_email,
        "headers": dict(headers or {}),
        "dedupe_key": dedupe_key,
    }
    _queue_after_commit(send_rendered_email, **task_kwargs)


def email_message_queue(*, message: EmailMessage, dedupe_key: str) -> None:
    """Queue a Django EmailMessage (as allauth's adapter renders it) instead of sending it in the request."""
    html = next((content for content, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"), "")
    text = message.body
    if message.content_subtype == "html":
        html, text = message.body, strip_tags(message.body)
    rendered_email_queue(
        to=message.to,
        subject=message.subject,
        text=text,
        html=html,
        from_email=message.from_email,
        headers=message.extra_headers,
        dedupe_key=dedupe_key,
    )


def rendered_email_send(
    *,
    to: list[str],
    subject: str,
    text: str,
    html: str = "",
    from_email: str | None = None,
    headers: dict[str, str] | None = None,
    dedupe_key: str,
    will_retry: bool = False,
) -> bool:
    """Send a finished e-mail unless one with this dedupe key was already sent; True if this call sent it."""
    record, _ = SentEmail.objects.get_or_create(
        dedupe_key=dedupe_key, defaults={"to": ", ".join(to), "subject": Truncator(subject).chars(255)}
    )
    rows = SentEmail.objects.filter(pk=record.pk)
    if not _claim(rows, field="state"):
        return False
    try:
        message = EmailMultiAlternatives(
            subject=subject,
            body=text,
            from_email=from_email or settings.DEFAULT_FROM_EMAIL,
            to=to,
            headers=headers or {},
        )
        if html:
            message.attach_alternative(html, "text/html")
        message.send()
    except Exception as error:
        _release(rows, field="state", error=error, will_retry=will_retry)
        raise
    rows.update(state=DeliveryState.SENT, sent_at=timezone.now())
    return True
