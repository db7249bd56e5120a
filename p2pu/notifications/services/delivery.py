"""Sending notification e-mail at most once: building the message, claiming the row, sending, releasing.

Notification.email_state, DigestDelivery.state and SentEmail.state share the values pending, sending and
failed, so one pair of helpers (``claim``, ``release``) serves the notification, digest and rendered e-mails.
"""

import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from p2pu.core.links import absolute_reverse, absolute_url
from p2pu.core.locales import person_language
from p2pu.core.zones import person_zone

from .. import kinds
from ..kinds import ALL_KINDS
from ..models import DeliveryState, Notification
from .preferences import email_frequency, email_state_for
from .unsubscribe import unsubscribe_url

# Failures a later attempt may not meet (the mail server is down, busy or slow): the tasks retry these.
TRANSIENT_EMAIL_ERRORS = (smtplib.SMTPException, ConnectionError, TimeoutError)

EmailState = Notification.EmailState


def claim(rows: QuerySet, *, field: str, claimed_at_field: str | None = None) -> bool:
    """Win the right to send: only one caller can move the row from pending to sending.

    One conditional UPDATE, never a read followed by a write: two senders reading "pending" at once
    would both send. ``claimed_at_field`` records when, so a claim whose sender died can be found
    (``stalled.stalled_emails_requeue``).
    """
    changes = {field: DeliveryState.SENDING}
    if claimed_at_field:
        changes[claimed_at_field] = timezone.now()
    return bool(rows.filter(**{field: DeliveryState.PENDING}).update(**changes))


def release(rows: QuerySet, *, field: str, error: Exception, will_retry: bool) -> None:
    """Hand a failed claim back for the retry, or mark it failed when no retry will come."""
    retry = will_retry and isinstance(error, TRANSIENT_EMAIL_ERRORS)
    state = DeliveryState.PENDING if retry else DeliveryState.FAILED
    rows.filter(**{field: DeliveryState.SENDING}).update(**{field: state})


def email_build(
    *, user, subject: str, template: str, context: dict, unsubscribe_kind: str, language: str
) -> EmailMultiAlternatives:
    """An HTML and plain-text e-mail to one person, with RFC 8058 one-click unsubscribe headers, written in
    ``language`` (``person_language``) with times in the person's zone."""
    # A kind no longer registered has no preference of its own left to switch off.
    if unsubscribe_kind != ALL_KINDS and not kinds.is_registered(unsubscribe_kind):
        unsubscribe_kind = ALL_KINDS
    link = unsubscribe_url(user=user, kind=unsubscribe_kind)
    # A line break in a header would make the message invalid.
    subject = " ".join(subject.split())
    # Times in the e-mail read in the recipient's own zone, like on the site, and words in their language.
    with timezone.override(person_zone(user)), translation.override(language):
        context = {
            **context,
            "user": user,
            "subject": subject,
            "site_name": settings.WAGTAIL_SITE_NAME,
            "site_url": settings.SITE_URL,
            "unsubscribe_url": link,
            "unsubscribe_label": gettext("all notification e-mail")
            if unsubscribe_kind == ALL_KINDS
            else gettext("e-mail about “%(kind)s”") % {"kind": kinds.get(unsubscribe_kind).label},
            "preferences_url": absolute_reverse("notifications:preferences"),
        }
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
    if not claim(rows, field="email_state", claimed_at_field="email_claimed_at"):
        return False
    try:
        notification = rows.select_related("recipient").get()
        recipient = notification.recipient
        # The person may have changed their mind (or their account) since the event was recorded.
        state = email_state_for(recipient=recipient, frequency=email_frequency(user=recipient, kind=notification.kind))
        if state != EmailState.PENDING:
            rows.update(email_state=state)
            return False
        message = email_build(
            user=recipient,
            subject=notification.title,
            template="notifications/email/notification",
            context={"notification": notification, "url": absolute_url(notification.url)},
            unsubscribe_kind=notification.kind,
            # Decided now: the recipient may have chosen a language since the event was recorded.
            language=person_language(recipient, hint=notification.language),
        )
        message.send()
    except Exception as error:
        release(rows, field="email_state", error=error, will_retry=will_retry)
        raise
    rows.update(email_state=EmailState.SENT, emailed_at=timezone.now())
    return True
