"""The daily digest: one e-mail per person per day of their own calendar, soon after 07:00 their time."""

import datetime as dt
import smtplib
from unittest import mock

import pytest
from django.core.mail.backends.locmem import EmailBackend

from p2pu.notifications import kinds, services
from p2pu.notifications.models import DeliveryState, DigestDelivery, Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

State = Notification.EmailState
UTC = dt.UTC


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def run_digests(django_capture_on_commit_callbacks, now):
    with django_capture_on_commit_callbacks(execute=True):
        return services.daily_digests_send(now=now)


def test_one_digest_per_person_per_day(send, mailoutbox, django_capture_on_commit_callbacks):
    ana, ben, cai = UserFactory(), UserFactory(), UserFactory()
    send(ana, kind="test.digested", title="First for Ana")
    send(ana, kind="test.digested", title="Second for Ana")
    send(ben, kind="test.digested", title="Only for Ben")
    send(cai, kind="test.ping", title="Immediate for Cai")
    assert len(mailoutbox) == 1  # Cai's, straight away
    mailoutbox.clear()

    assert run_digests(django_capture_on_commit_callbacks, at(2, 7, 5)) == 2

    by_person = {message.to[0]: message for message in mailoutbox}
    assert set(by_person) == {ana.email, ben.email}
    assert "First for Ana" in by_person[ana.email].body
    assert "Second for Ana" in by_person[ana.email].body
    assert "Only for Ben" not in by_person[ana.email].body
    assert by_person[ana.email].subject == "Your daily digest: 2 new notifications"
    assert by_person[ben.email].subject == "Your daily digest: 1 new notification"
    assert not Notification.objects.filter(email_state=State.DIGEST).exists()

    # The beat runs again the same morning, and later that day after something new happened.
    assert run_digests(django_capture_on_commit_callbacks, at(2, 8)) == 0
    send(ana, kind="test.digested", title="Third for Ana")
    assert run_digests(django_capture_on_commit_callbacks, at(2, 23)) == 0
    assert len(mailoutbox) == 2

    # The next morning brings only what is new.
    assert run_digests(django_capture_on_commit_callbacks, at(3, 7)) == 1
    assert len(mailoutbox) == 3
    assert "Third for Ana" in mailoutbox[-1].body
    assert "First for Ana" not in mailoutbox[-1].body
    assert DigestDelivery.objects.filter(user=ana).count() == 2


def test_delivering_the_same_digest_twice_sends_once(user, send, mailoutbox):
    send(user, kind="test.digested")

    assert services.digest_deliver(user_id=user.pk, date=dt.date(2026, 3, 2)) is True
    assert services.digest_deliver(user_id=user.pk, date=dt.date(2026, 3, 2)) is False
    assert len(mailoutbox) == 1


def test_the_digest_waits_for_morning_in_the_persons_time_zone(send, mailoutbox, django_capture_on_commit_callbacks):
    new_york = UserFactory(time_zone="America/New_York")  # UTC-5 in early March
    tokyo = UserFactory(time_zone="Asia/Tokyo")  # UTC+9
    send(new_york, kind="test.digested")
    send(tokyo, kind="test.digested")

    # 23:00 UTC on the 1st is 08:00 on the 2nd in Tokyo and 18:00 on the 1st in New York.
    assert run_digests(django_capture_on_commit_callbacks, at(1, 23)) == 2
    assert DigestDelivery.objects.get(user=tokyo).date == dt.date(2026, 3, 2)
    assert DigestDelivery.objects.get(user=new_york).date == dt.date(2026, 3, 1)
    mailoutbox.clear()

    send(new_york, kind="test.digested")
    # 07:30 UTC is 02:30 in New York: too early.
    assert run_digests(django_capture_on_commit_callbacks, at(2, 7, 30)) == 0
    # 12:00 UTC is 07:00 in New York.
    assert run_digests(django_capture_on_commit_callbacks, at(2, 12)) == 1
    assert [m.to[0] for m in mailoutbox] == [new_york.email]


def test_what_was_read_or_switched_off_is_left_out(user, send, mailoutbox):
    read = send(user, kind="test.digested", title="Already seen")
    services.notification_mark_read(notification=read, user=user)
    services.preference_set(user=user, kind="test.ping", frequency=kinds.Frequency.DAILY)
    switched_off = send(user, kind="test.ping", title="Switched off since")
    services.preference_set(user=user, kind="test.ping", frequency=kinds.Frequency.OFF)
    kept = send(user, kind="test.digested", title="Still news")

    assert services.digest_deliver(user_id=user.pk, date=dt.date(2026, 3, 2)) is True

    assert "Still news" in mailoutbox[0].body
    assert "Already seen" not in mailoutbox[0].body
    assert "Switched off since" not in mailoutbox[0].body
    states = dict(Notification.objects.values_list("pk", "email_state"))
    assert states == {read.pk: State.SKIPPED, switched_off.pk: State.SKIPPED, kept.pk: State.SENT}


def test_nothing_left_to_say_sends_nothing(user, send, mailoutbox):
    services.notification_mark_read(notification=send(user, kind="test.digested"), user=user)

    assert services.digest_deliver(user_id=user.pk, date=dt.date(2026, 3, 2)) is False

    assert mailoutbox == []
    assert DigestDelivery.objects.get(user=user).state == DeliveryState.SKIPPED


def test_the_digest_unsubscribes_from_all_email(user, send, mailoutbox, client):
    send(user, kind="test.digested")
    services.digest_deliver(user_id=user.pk, date=dt.date(2026, 3, 2))

    message = mailoutbox[0]
    assert message.alternatives[0][1] == "text/html"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = message.extra_headers["List-Unsubscribe"][1:-1]
    assert client.post(link).status_code == 200
    assert services.email_frequency(user=user, kind="test.ping") == kinds.Frequency.OFF
    assert services.email_frequency(user=user, kind="test.digested") == kinds.Frequency.OFF


def test_a_failed_digest_is_handed_back_for_the_retry(user, send, mailoutbox):
    notification = send(user, kind="test.digested")
    day = dt.date(2026, 3, 2)

    with (
        mock.patch.object(EmailBackend, "send_messages", side_effect=smtplib.SMTPServerDisconnected("gone")),
        pytest.raises(smtplib.SMTPServerDisconnected),
    ):
        services.digest_deliver(user_id=user.pk, date=day, will_retry=True)

    notification.refresh_from_db()
    assert notification.email_state == State.DIGEST
    assert notification.digest is None
    assert DigestDelivery.objects.get(user=user).state == DeliveryState.PENDING

    assert services.digest_deliver(user_id=user.pk, date=day, will_retry=True) is True
    assert len(mailoutbox) == 1
    notification.refresh_from_db()
    assert notification.email_state == State.SENT


def test_a_digest_that_finally_fails_waits_for_tomorrow(user, send, mailoutbox):
    notification = send(user, kind="test.digested")

    with (
        mock.patch.object(EmailBackend, "send_messages", side_effect=smtplib.SMTPServerDisconnected("gone")),
        pytest.raises(smtplib.SMTPServerDisconnected),
    ):
        services.digest_deliver(user_id=user.pk, date=dt.date(2026, 3, 2), will_retry=False)

    assert DigestDelivery.objects.get(user=user).state == DeliveryState.FAILED
    assert services.digest_deliver(user_id=user.pk, date=dt.date(2026, 3, 2)) is False
    assert services.digest_deliver(user_id=user.pk, date=dt.date(2026, 3, 3)) is True
    notification.refresh_from_db()
    assert notification.email_state == State.SENT


def test_the_digest_hour_is_a_setting(user, send, settings, django_capture_on_commit_callbacks):
    settings.NOTIFICATION_DIGEST_HOUR = 9
    send(user, kind="test.digested")  # the user's zone is UTC

    assert run_digests(django_capture_on_commit_callbacks, at(2, 8, 30)) == 0
    assert run_digests(django_capture_on_commit_callbacks, at(2, 9)) == 1
