"""The Celery tasks: retries with backoff on mail-server trouble, and never a second e-mail."""

import datetime as dt
import smtplib
from unittest import mock

import pytest
import time_machine
from celery import current_app
from celery.utils.time import get_exponential_backoff_interval
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.backends.locmem import EmailBackend

from p2pu.notifications import services, tasks
from p2pu.notifications.models import DeliveryState, Notification, SentEmail

pytestmark = pytest.mark.django_db

State = Notification.EmailState


def flaky_backend(failures: int):
    """Patch the test mail backend to fail ``failures`` times with an SMTP error, then deliver."""
    real_send = EmailBackend.send_messages
    calls = {"count": 0}

    def send_messages(backend, messages):
        calls["count"] += 1
        if calls["count"] <= failures:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return real_send(backend, messages)

    return mock.patch.object(EmailBackend, "send_messages", send_messages), calls


@pytest.fixture
def worker_like_retries(monkeypatch):
    """Run eager retries in a loop, as a worker would, instead of raising the Retry to the caller."""
    monkeypatch.setitem(current_app.conf, "task_eager_propagates", False)


def pending_notification(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        return services.notification_send(recipient=user, kind="test.ping", title="Hi", dedupe_key="k")


@pytest.mark.parametrize(
    "task", [tasks.send_notification_email, tasks.send_daily_digest, tasks.send_rendered_email], ids=lambda t: t.name
)
def test_email_tasks_retry_transient_errors_with_exponential_backoff(task):
    task = current_app.tasks[task.name]
    assert smtplib.SMTPException in task.autoretry_for
    assert ConnectionError in task.autoretry_for
    assert task.retry_backoff
    assert task.retry_jitter
    assert task.max_retries >= 3


@pytest.mark.usefixtures("worker_like_retries")
def test_a_dropped_connection_is_retried_with_a_backoff_and_sent_once(
    user, django_capture_on_commit_callbacks, mailoutbox
):
    notification = pending_notification(user, django_capture_on_commit_callbacks)
    task = current_app.tasks[tasks.send_notification_email.name]
    patch, calls = flaky_backend(failures=2)

    with patch, mock.patch.object(task, "retry", wraps=task.retry) as retry:
        tasks.send_notification_email.apply(args=[notification.pk])

    assert calls["count"] == 3
    assert len(mailoutbox) == 1
    countdowns = [call.kwargs["countdown"] for call in retry.call_args_list]
    assert len(countdowns) == 2
    # Full jitter: a random wait up to 30 s, then up to 60 s.
    assert 0 <= countdowns[0] <= 30
    assert 0 <= countdowns[1] <= 60
    notification.refresh_from_db()
    assert notification.email_state == State.SENT

    # The same message delivered again by the broker sends nothing.
    tasks.send_notification_email.apply(args=[notification.pk])
    assert len(mailoutbox) == 1


def test_the_backoff_grows_exponentially():
    task = current_app.tasks[tasks.send_notification_email.name]

    intervals = [
        get_exponential_backoff_interval(
            factor=task.retry_backoff, retries=retries, maximum=task.retry_backoff_max, full_jitter=False
        )
        for retries in range(4)
    ]
    assert intervals == [30, 60, 120, 240]


@pytest.mark.usefixtures("worker_like_retries")
def test_giving_up_marks_the_email_failed(user, django_capture_on_commit_callbacks, mailoutbox):
    notification = pending_notification(user, django_capture_on_commit_callbacks)
    task = current_app.tasks[tasks.send_notification_email.name]
    patch, calls = flaky_backend(failures=100)

    with patch:
        result = tasks.send_notification_email.apply(args=[notification.pk])

    assert result.failed()
    assert isinstance(result.result, smtplib.SMTPServerDisconnected)
    assert calls["count"] == task.max_retries + 1
    assert mailoutbox == []
    notification.refresh_from_db()
    assert notification.email_state == State.FAILED
    # A later duplicate does not try again on its own.
    assert services.notification_email_deliver(notification_id=notification.pk) is False


def test_a_non_transient_error_is_not_retried(user, django_capture_on_commit_callbacks):
    notification = pending_notification(user, django_capture_on_commit_callbacks)

    with (
        mock.patch.object(EmailBackend, "send_messages", side_effect=ValueError("bad header")) as send,
        pytest.raises(ValueError),
    ):
        tasks.send_notification_email.apply(args=[notification.pk], throw=True)

    assert send.call_count == 1
    notification.refresh_from_db()
    assert notification.email_state == State.FAILED


@time_machine.travel(dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC), tick=False)
def test_the_beat_job_queues_and_sends_digests(user, django_capture_on_commit_callbacks, mailoutbox):
    # 01:00 UTC is 08:00 in Bangkok: that person's morning has come, so their digest is due.
    user.time_zone = "Asia/Bangkok"
    user.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.notification_send(recipient=user, kind="test.digested", title="Hi", dedupe_key="k")

    with django_capture_on_commit_callbacks(execute=True):
        tasks.send_daily_digests.apply()
        tasks.send_daily_digests.apply()

    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject.startswith("Your daily digest")


def test_rendered_email_is_sent_once_per_dedupe_key(mailoutbox):
    kwargs = {
        "to": ["ana@example.org"],
        "subject": "Confirm your e-mail address",
        "text": "Open https://example/confirm/abc",
        "html": "<p>Open <a href='https://example/confirm/abc'>this link</a></p>",
        "headers": {"X-Kind": "verification"},
        "dedupe_key": "verify:abc",
    }

    tasks.send_rendered_email.apply(kwargs=kwargs)
    tasks.send_rendered_email.apply(kwargs=kwargs)

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.body == "Open https://example/confirm/abc"
    assert message.alternatives[0][1] == "text/html"
    assert message.extra_headers["X-Kind"] == "verification"
    assert SentEmail.objects.get().state == DeliveryState.SENT


@pytest.mark.usefixtures("worker_like_retries")
def test_rendered_email_survives_a_dropped_connection(mailoutbox):
    patch, calls = flaky_backend(failures=1)
    with patch:
        tasks.send_rendered_email.apply(
            kwargs={"to": ["ana@example.org"], "subject": "Reset", "text": "Reset it", "dedupe_key": "reset:1"}
        )
    assert calls["count"] == 2
    assert len(mailoutbox) == 1


def test_an_email_message_is_queued_until_commit(django_capture_on_commit_callbacks, mailoutbox):
    message = EmailMultiAlternatives(
        "Confirm", "Plain body", "Site <site@example.org>", ["ben@example.org"], headers={"X-A": "1"}
    )
    message.attach_alternative("<p>HTML body</p>", "text/html")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.email_message_queue(message=message, dedupe_key="confirm:ben")
        assert mailoutbox == []

    assert len(callbacks) == 1
    sent = mailoutbox[0]
    assert (sent.subject, sent.body, sent.from_email, sent.to) == (
        "Confirm",
        "Plain body",
        "Site <site@example.org>",
        ["ben@example.org"],
    )
    assert sent.alternatives[0] == ("<p>HTML body</p>", "text/html")
    assert sent.extra_headers == {"X-A": "1"}


def test_an_html_only_message_gets_a_plain_text_part(django_capture_on_commit_callbacks, mailoutbox):
    message = EmailMessage("Hello", "<p>Hi <b>there</b></p>", None, ["cai@example.org"])
    message.content_subtype = "html"

    with django_capture_on_commit_callbacks(execute=True):
        services.email_message_queue(message=message, dedupe_key="hello:cai")

    assert mailoutbox[0].body == "Hi there"
    assert mailoutbox[0].alternatives[0] == ("<p>Hi <b>there</b></p>", "text/html")
