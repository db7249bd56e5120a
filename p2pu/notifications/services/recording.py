"""Recording notifications (what other apps call, inside their own transaction) and marking them read.

A notification whose recipient wants it e-mailed at once is queued on Celery by task name after the
caller's transaction commits; the delivery side claims the row before sending, so nothing goes out twice.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation
from django.utils.text import Truncator

from p2pu.core.jobs import enqueue_after_commit
from p2pu.core.locales import person_language

from .. import kinds
from ..models import Notification
from .preferences import email_frequency, email_state_for

EmailState = Notification.EmailState
TITLE_MAX_LENGTH = Notification._meta.get_field("title").max_length


def notification_send(
    *,
    recipient,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    actor=None,
    dedupe_key: str,
    language: str = "",
) -> Notification | None:
    """Tell one person about one event; returns None when this event was already recorded for them.

    ``dedupe_key`` names the event (e.g. ``f"circle.waitlist_promoted:{membership.pk}"``); the database's
    unique (recipient, dedupe_key) constraint makes a second call with the same key a no-op.

    ``title`` and ``body`` may be lazy translations (``gettext_lazy``, ``format_lazy``): they are written
    out in the recipient's language, as is the e-mail. ``language`` is the language to use when the
    recipient has chosen none, e.g. the circle's for a circle's message (``person_language``).
    """
    # Fails loudly on a misspelt kind rather than recording something no preference can switch off.
    kinds.get(kind)
    with translation.override(person_language(recipient, hint=language)):
        title, body = str(title), str(body)
    notification, created = Notification.objects.get_or_create(
        recipient=recipient,
        dedupe_key=dedupe_key,
        defaults={
            "kind": kind,
            "title": Truncator(title).chars(TITLE_MAX_LENGTH),
            "body": body,
            "url": url,
            "actor": actor,
            "language": language,
            "email_state": email_state_for(recipient=recipient, frequency=email_frequency(user=recipient, kind=kind)),
        },
    )
    if not created:
        return None
    if notification.email_state == EmailState.PENDING:
        # A broker outage at commit is logged and leaves the e-mail pending; the caller's request still succeeds.
        enqueue_after_commit("p2pu.notifications.tasks.send_notification_email", notification.pk)
    return notification


def notifications_send_many(
    *,
    recipients: Iterable,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    actor=None,
    dedupe_key: str,
    language: str = "",
) -> list[Notification]:
    """Tell several people about the same event; returns the notifications that are new."""
    sent = (
        notification_send(recipient=recipient, kind=kind, title=title, body=body, url=url, actor=actor,
                          dedupe_key=dedupe_key, language=language)
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
