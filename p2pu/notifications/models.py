"""In-app notifications, e-mail preferences, and the records that make every e-mail go out at most once.

Each e-mail-bearing row moves through ``pending → sending → sent``. A sender first claims the row with a
conditional UPDATE (``pending → sending``); only the one that wins sends, so a retried or duplicated task
can never send twice. A transient failure hands the row back (``sending → pending``) for the retry.
A worker that dies mid-send leaves the row in ``sending``, and a broker that is down when the transaction
commits leaves it ``pending`` with no task queued: a beat job (``services.stalled``) hands both back to the
queue once they are older than any live send can be (e-mail tasks have a hard time limit shorter than that age).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .kinds import Frequency


class Notification(models.Model):
    class EmailState(models.TextChoices):
        PENDING = "pending", _("Waiting to be e-mailed")
        SENDING = "sending", _("Being e-mailed")
        SENT = "sent", _("E-mailed")
        DIGEST = "digest", _("Waiting for the daily digest")
        SKIPPED = "skipped", _("Not e-mailed")
        FAILED = "failed", _("E-mail failed")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=100, help_text=_("A registered kind, e.g. circle.waitlist_promoted."))
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, help_text=_("Plain text."))
    url = models.CharField(max_length=500, blank=True, help_text=_("Where the notification leads: a path or a URL."))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    dedupe_key = models.CharField(
        max_length=255, help_text=_("Names the event; the same event is recorded once per recipient.")
    )
    # The language to write to a recipient who has chosen none (e.g. the circle's, for a circle's message):
    # p2pu.core.locales.person_language decides at send time. Empty: the site's default.
    language = models.CharField(max_length=10, blank=True, help_text=_("A language code, e.g. the circle's."))
    email_state = models.CharField(max_length=10, choices=EmailState.choices, default=EmailState.PENDING)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # When a sender last claimed the e-mail (pending → sending); empty until the first claim.
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    digest = models.ForeignKey(
        "DigestDelivery", null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "dedupe_key"], name="notification_once_per_event"),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient_recent"),
            models.Index(fields=["recipient", "read_at"], name="notification_recipient_read"),
            models.Index(fields=["email_state", "recipient"], name="notification_email_state"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class NotificationPreference(models.Model):
    """How often one person wants e-mail about one kind; kind ``*`` caps every kind at once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=100)
    frequency = models.CharField(max_length=11, choices=Frequency.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.kind}: {self.frequency}"


class DeliveryState(models.TextChoices):
    PENDING = "pending", pgettext_lazy("delivery state", "Waiting")
    SENDING = "sending", pgettext_lazy("delivery state", "Sending")
    SENT = "sent", pgettext_lazy("delivery state", "Sent")
    SKIPPED = "skipped", _("Nothing to send")
    FAILED = "failed", pgettext_lazy("delivery state", "Failed")


class DigestDelivery(models.Model):
    """The daily digest for one person on one day of their own calendar; there is at most one."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_digests")
    date = models.DateField(help_text=_("The day in the person's own time zone."))
    state = models.CharField(max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    # When a sender last claimed the digest (pending → sending); empty until the first claim.
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = _("digest deliveries")
        ordering = ["-date", "user_id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "date"], name="digest_once_per_user_per_day"),
        ]

    def __str__(self) -> str:
        return f"Digest for {self.user} on {self.date}"


class SentEmail(models.Model):
    """One already-rendered e-mail (e.g. allauth's verification mail), recorded so a retry never resends it."""

    dedupe_key = models.CharField(max_length=255, unique=True)
    to = models.TextField(help_text=_("Recipients, comma-separated."))
    subject = models.CharField(max_length=255)
    state = models.CharField(max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"
