"""Stalled e-mail is queued again: a sender that died mid-send, a task the broker never received, a retry
it lost. Never early (a live sender may still be at work) and never twice (only one claim succeeds).

Each sweep is given the instant it runs at, so no test reads today's date or hour.
"""

import datetime as dt

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone
from kombu.exceptions import OperationalError

from p2pu.core import jobs
from p2pu.notifications.models import DeliveryState, DigestDelivery, Notification
from p2pu.notifications.services import notification_send
from p2pu.notifications.services.stalled import stalled_emails_requeue
from tests.p2pu.notifications.conftest import PING

pytestmark = [pytest.mark.django_db, pytest.mark.clock]

STALLED_AFTER = 15 * 60
EmailState = Notification.EmailState


def after(seconds: float, instant: dt.datetime) -> dt.datetime:
    return instant + dt.timedelta(seconds=seconds)


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):
    def sweep(*, at: dt.datetime) -> int:
        with (
            override_settings(NOTIFICATION_EMAIL_STALLED_AFTER=STALLED_AFTER),
            django_capture_on_commit_callbacks(execute=True),
        ):
            return stalled_emails_requeue(now=at)

    return sweep


@pytest.fixture
def stuck_sending(user):
    """A notification whose worker claimed it and was killed before sending."""
    notification = Notification.objects.create(
        recipient=user, kind=PING, title="Your seat is ready", dedupe_key="stuck", email_state=EmailState.SENDING
    )
    Notification.objects.filter(pk=notification.pk).update(email_claimed_at=timezone.now())
    notification.refresh_from_db()
    return notification


def test_an_email_left_sending_by_a_dead_worker_goes_out_once_after_the_stall_age(sweep, stuck_sending, mailoutbox):
    claimed = stuck_sending.email_claimed_at
    assert sweep(at=after(STALLED_AFTER - 1, claimed)) == 0  # a live sender may still be at work
    assert mailoutbox == []

    assert sweep(at=after(STALLED_AFTER + 1, claimed)) == 1
    assert [message.subject for message in mailoutbox] == ["Your seat is ready"]
    stuck_sending.refresh_from_db()
    assert stuck_sending.email_state == EmailState.SENT

    assert sweep(at=after(STALLED_AFTER * 3, claimed)) == 0  # idempotent: a later sweep sends nothing
    assert len(mailoutbox) == 1


def test_an_email_whose_task_never_reached_the_broker_goes_out_once(
    sweep, user, monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to the broker. Connection refused.")

    with monkeypatch.context() as patch:
        patch.setattr(jobs.Task, "delay", broker_down)
        with django_capture_on_commit_callbacks(execute=True):
            notification = notification_send(recipient=user, kind=PING, title="A new meeting", dedupe_key="lost")
    notification.refresh_from_db()
    assert (notification.email_state, mailoutbox) == (EmailState.PENDING, [])

    assert sweep(at=after(STALLED_AFTER - 1, notification.created_at)) == 0
    assert sweep(at=after(STALLED_AFTER + 1, notification.created_at)) == 1
    assert sweep(at=after(STALLED_AFTER + 2, notification.created_at)) == 0
    assert [message.subject for message in mailoutbox] == ["A new meeting"]


def test_a_retry_waiting_out_its_back_off_is_left_to_celery(sweep, user, mailoutbox, settings):
    notification = Notification.objects.create(recipient=user, kind=PING, title="Later", dedupe_key="retry")
    claimed = notification.created_at
    # A transient failure handed the claim back (sending → pending) for a retry up to BACKOFF_MAX away.
    Notification.objects.filter(pk=notification.pk).update(email_claimed_at=claimed)
    backoff = settings.NOTIFICATION_EMAIL_RETRY_BACKOFF_MAX
    assert sweep(at=after(STALLED_AFTER + backoff - 1, claimed)) == 0
    # The retry never came (the broker lost it): queued again.
    assert sweep(at=after(STALLED_AFTER + backoff + 1, claimed)) == 1
    assert len(mailoutbox) == 1


def test_a_digest_left_sending_goes_out_once_with_its_notifications(sweep, user, mailoutbox):
    now = timezone.now()
    digest = DigestDelivery.objects.create(
        user=user, date=now.date(), state=DeliveryState.SENDING, created_at=now, claimed_at=now
    )
    Notification.objects.create(
        recipient=user, kind=PING, title="In the digest", dedupe_key="d1", email_state=EmailState.SENDING, digest=digest
    )
    assert sweep(at=after(STALLED_AFTER - 1, now)) == 0
    assert sweep(at=after(STALLED_AFTER + 1, now)) == 1
    assert len(mailoutbox) == 1 and "In the digest" in mailoutbox[0].body
    digest.refresh_from_db()
    assert digest.state == DeliveryState.SENT
    assert sweep(at=after(STALLED_AFTER * 3, now)) == 0
    assert len(mail.outbox) == 1
