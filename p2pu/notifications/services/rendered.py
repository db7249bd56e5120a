"""Already-rendered e-mail (allauth's verification and password-reset messages): queued after commit,
sent at most once per dedupe key."""

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator

from p2pu.core.jobs import enqueue_after_commit

from ..models import DeliveryState, SentEmail
from .delivery import claim, release

SUBJECT_MAX_LENGTH = SentEmail._meta.get_field("subject").max_length


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
    enqueue_after_commit(
        "p2pu.notifications.tasks.send_rendered_email",
        to=list(to),
        subject=subject,
        text=text,
        html=html,
        from_email=from_email,
        headers=dict(headers or {}),
        dedupe_key=dedupe_key,
    )


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
        dedupe_key=dedupe_key, defaults={"to": ", ".join(to), "subject": Truncator(subject).chars(SUBJECT_MAX_LENGTH)}
    )
    rows = SentEmail.objects.filter(pk=record.pk)
    if not claim(rows, field="state"):
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
        release(rows, field="state", error=error, will_retry=will_retry)
        raise
    rows.update(state=DeliveryState.SENT, sent_at=timezone.now())
    return True
