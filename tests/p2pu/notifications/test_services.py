"""Recording notifications and e-mailing them: once per event, after commit, as each person prefers."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from p2pu.notifications import kinds, services
from p2pu.notifications.models import Notification, NotificationPreference
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

State = Notification.EmailState


def test_the_same_event_is_recorded_and_emailed_once(user, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = services.notification_send(
            recipient=user, kind="test.ping", title="Ana pinged you", dedupe_key="ping:1"
        )
        second = services.notification_send(
            recipient=user, kind="test.ping", title="Ana pinged you", dedupe_key="ping:1"
        )

    assert first is not None
    assert second is None
    assert len(callbacks) == 1
    assert Notification.objects.filter(recipient=user).count() == 1
    assert len(mailoutbox) == 1
    first.refresh_from_db()
    assert first.email_state == State.SENT
    assert first.emailed_at is not None


def test_delivering_the_same_notification_twice_sends_one_email(user, send, mailoutbox):
    notification = send(user)
    assert len(mailoutbox) == 1

    # A retried or duplicated task: the claim on the row is already gone.
    assert services.notification_email_deliver(notification_id=notification.pk) is False
    assert services.notification_email_deliver(notification_id=notification.pk) is False
    assert len(mailoutbox) == 1


def test_a_pending_notification_is_sent_by_the_first_delivery_only(
    user, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=False):
        notification = services.notification_send(recipient=user, kind="test.ping", title="Hi", dedupe_key="k")

    assert services.notification_email_deliver(notification_id=notification.pk) is True
    assert services.notification_email_deliver(notification_id=notification.pk) is False
    assert len(mailoutbox) == 1


def test_email_waits_for_the_commit(user, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.notification_send(recipient=user, kind="test.ping", title="Hi", dedupe_key="k")
        assert mailoutbox == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert len(mailoutbox) == 1


def test_a_rolled_back_event_records_and_sends_nothing(user, django_capture_on_commit_callbacks, mailoutbox):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.notification_send(recipient=user, kind="test.ping", title="Hi", dedupe_key="k")
        raise RuntimeError("the feature's own write failed")
    assert callbacks == []
    assert not Notification.objects.exists()
    assert mailoutbox == []


def test_an_unregistered_kind_is_refused(user):
    with pytest.raises(LookupError, match="declare it"):
        services.notification_send(recipient=user, kind="test.typo", title="Hi", dedupe_key="k")
    assert not Notification.objects.exists()


def test_kinds_cannot_be_registered_twice_differently():
    kinds.register(kinds.Kind("test.ping", label="Someone pinged you"))  # the same again is harmless
    with pytest.raises(Exception, match="already registered"):
        kinds.register(kinds.Kind("test.ping", label="Something else"))


@pytest.mark.parametrize(
    ("frequency", "state", "emails"),
    [
        (kinds.Frequency.IMMEDIATELY, State.SENT, 1),
        (kinds.Frequency.DAILY, State.DIGEST, 0),
        (kinds.Frequency.OFF, State.SKIPPED, 0),
    ],
)
def test_the_persons_preference_decides_the_email(user, send, mailoutbox, frequency, state, emails):
    services.preference_set(user=user, kind="test.ping", frequency=frequency)

    notification = send(user, kind="test.ping")

    notification.refresh_from_db()
    assert notification.email_state == state
    assert len(mailoutbox) == emails


def test_a_kind_without_a_preference_uses_its_default(user, send, mailoutbox):
    notification = send(user, kind="test.digested")
    notification.refresh_from_db()
    assert notification.email_state == State.DIGEST
    assert mailoutbox == []


@pytest.mark.parametrize(
    ("cap", "state"),
    [(kinds.Frequency.OFF, State.SKIPPED), (kinds.Frequency.DAILY, State.DIGEST)],
)
def test_the_all_email_preference_caps_every_kind(user, send, mailoutbox, cap, state):
    services.preference_set(user=user, kind=kinds.ALL_KINDS, frequency=cap)

    notification = send(user, kind="test.ping")

    notification.refresh_from_db()
    assert notification.email_state == state
    assert mailoutbox == []
    # Still listed on the site.
    assert Notification.objects.filter(recipient=user).count() == 1


def test_a_preference_changed_before_delivery_is_respected(user, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=False):
        notification = services.notification_send(recipient=user, kind="test.ping", title="Hi", dedupe_key="k")
    services.preference_set(user=user, kind="test.ping", frequency=kinds.Frequency.DAILY)

    assert services.notification_email_deliver(notification_id=notification.pk) is False

    notification.refresh_from_db()
    assert notification.email_state == State.DIGEST
    assert mailoutbox == []


def test_people_without_an_address_or_account_get_no_email(send, mailoutbox):
    inactive = UserFactory(is_active=False)
    no_address = UserFactory(email="")

    for person in (inactive, no_address):
        notification = send(person)
        notification.refresh_from_db()
        assert notification.email_state == State.SKIPPED
    assert mailoutbox == []


def test_preferences_refuse_unknown_kinds_and_frequencies(user):
    with pytest.raises(ValidationError):
        services.preference_set(user=user, kind="test.unknown", frequency="off")
    with pytest.raises(ValidationError):
        services.preference_set(user=user, kind="test.ping", frequency="hourly")
    assert not NotificationPreference.objects.exists()


def test_saving_defaults_pins_nothing(user):
    services.preferences_set(
        user=user, frequencies={"test.ping": "immediately", "test.digested": "daily", kinds.ALL_KINDS: "immediately"}
    )
    assert not NotificationPreference.objects.exists()

    services.preferences_set(user=user, frequencies={"test.ping": "off", "test.digested": "daily"})
    assert services.preferences_get(user=user) == {"test.ping": "off"}


def test_send_many_tells_each_person_once(user, other_user, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        created = services.notifications_send_many(
            recipients=[user, other_user], kind="test.ping", title="The circle moved", dedupe_key="moved:1"
        )
        again = services.notifications_send_many(
            recipients=[user, other_user], kind="test.ping", title="The circle moved", dedupe_key="moved:1"
        )

    assert {n.recipient for n in created} == {user, other_user}
    assert again == []
    assert sorted(m.to[0] for m in mailoutbox) == sorted([user.email, other_user.email])


def test_the_email_has_html_and_text_and_one_click_unsubscribe(user, send, mailoutbox, settings):
    settings.SITE_URL = "https://commons.example"
    send(user, title="Kim & Lee <joined>", body="Line one\nLine two", url="/circles/7/")

    message = mailoutbox[0]
    assert message.subject == "Kim & Lee <joined>"
    assert message.to == [user.email]
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "Kim &amp; Lee &lt;joined&gt;" in html
    assert "Line one<br>Line two" in html
    assert "Kim & Lee <joined>" in message.body, "the plain-text part is not HTML-escaped"
    assert "https://commons.example/circles/7/" in message.body
    assert 'href="https://commons.example/circles/7/"' in html

    unsubscribe = message.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith("<https://commons.example/notifications/unsubscribe/")
    assert unsubscribe.endswith("/>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = unsubscribe[1:-1]
    assert link in message.body
    assert link in html
    assert "https://commons.example/notifications/preferences/" in message.body
    assert "https://commons.example/notifications/preferences/" in html
    # The headers survive into the real MIME message.
    mime = message.message()
    assert mime["List-Unsubscribe"] == unsubscribe
    assert mime.get_content_type() == "multipart/alternative"


def test_addresses_in_the_body_are_links_in_the_html_and_the_rest_stays_escaped(user, send, mailoutbox):
    send(user, title="Reminder", body="Say <b>yes</b>: https://commons.example/a/?x=1&y=2\nThanks", url="")

    html, _mimetype = mailoutbox[0].alternatives[0]
    assert "Say &lt;b&gt;yes&lt;/b&gt;: " in html
    assert '<a href="https://commons.example/a/?x=1&amp;y=2" rel="nofollow">' in html
    assert "</a><br>Thanks" in html
    assert "<b>" not in html


def test_only_the_recipient_can_mark_a_notification_read(user, other_user, send):
    notification = send(user)
    with pytest.raises(PermissionDenied):
        services.notification_mark_read(notification=notification, user=other_user)
    notification.refresh_from_db()
    assert notification.read_at is None

    services.notification_mark_read(notification=notification, user=user)
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_mark_all_read_touches_only_my_unread(user, other_user, send):
    for _ in range(3):
        send(user)
    theirs = send(other_user)

    assert services.notifications_mark_all_read(user=user) == 3
    assert services.notifications_mark_all_read(user=user) == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_kind_retired_since_still_emails_with_an_all_email_unsubscribe(
    user, django_capture_on_commit_callbacks, mailoutbox, monkeypatch
):
    with django_capture_on_commit_callbacks(execute=False):
        notification = services.notification_send(
            recipient=user, kind="test.ping", title="Line one\nline two", dedupe_key="k"
        )
    monkeypatch.setattr(kinds, "_registry", {})

    assert services.notification_email_deliver(notification_id=notification.pk) is True

    message = mailoutbox[0]
    assert message.subject == "Line one line two"
    link = message.extra_headers["List-Unsubscribe"][1:-1]
    assert "Unsubscribe from all notification e-mail" in message.body
    assert services.unsubscribe_token_read(token=link.rstrip("/").rsplit("/", 1)[-1]).kind == kinds.ALL_KINDS
