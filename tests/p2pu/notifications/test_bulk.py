"""The bulk path the scheduled jobs use: once per event and recipient, each person's preferences, batched e-mail."""

import pytest
from django.db import transaction

from p2pu.notifications import services
from p2pu.notifications.models import Notification
from p2pu.notifications.services import NotificationDraft, notifications_bulk_send
from tests.factories import UserFactory

from .conftest import DIGESTED, PING

pytestmark = pytest.mark.django_db

State = Notification.EmailState


def _drafts(people, *, kind=PING, key="event:1"):
    return [NotificationDraft(recipient=person, kind=kind, title="Ping", dedupe_key=key) for person in people]


def test_each_recipient_is_recorded_once_per_event_even_when_listed_twice_or_run_again(
    django_capture_on_commit_callbacks, mailoutbox
):
    people = UserFactory.create_batch(3)
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications_bulk_send(drafts=_drafts(people) + _drafts(people[:1])) == 3
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications_bulk_send(drafts=_drafts(people)) == 0

    assert Notification.objects.filter(dedupe_key="event:1").count() == 3
    assert sorted(message.to[0] for message in mailoutbox) == sorted(person.email for person in people)


def test_an_event_recorded_one_at_a_time_is_not_recorded_again_in_bulk(mailoutbox, send):
    ana, ben = UserFactory.create_batch(2)
    send(ana, dedupe_key="event:1")

    assert notifications_bulk_send(drafts=_drafts([ana, ben])) == 1
    assert Notification.objects.filter(recipient=ana).count() == 1


def test_each_recipients_own_preferences_decide_their_email():
    immediate, digest, muted, capped, inactive = UserFactory.create_batch(5)
    services.preference_set(user=digest, kind=PING, frequency="daily")
    services.preference_set(user=muted, kind=PING, frequency="off")
    services.preference_set(user=capped, kind="*", frequency="off")
    inactive.is_active = False
    inactive.save()

    notifications_bulk_send(drafts=_drafts([immediate, digest, muted, capped, inactive]))

    states = dict(Notification.objects.values_list("recipient_id", "email_state"))
    assert states == {
        immediate.pk: State.PENDING,
        digest.pk: State.DIGEST,
        muted.pk: State.SKIPPED,
        capped.pk: State.SKIPPED,
        inactive.pk: State.SKIPPED,
    }


def test_a_kind_that_defaults_to_the_digest_waits_for_it(mailoutbox, django_capture_on_commit_callbacks):
    person = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notifications_bulk_send(drafts=_drafts([person], kind=DIGESTED))

    assert Notification.objects.get().email_state == State.DIGEST
    assert mailoutbox == []


def test_emails_are_queued_after_commit_in_batches(settings, django_capture_on_commit_callbacks, mailoutbox):
    settings.NOTIFICATION_EMAIL_BATCH = 2
    people = UserFactory.create_batch(5)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notifications_bulk_send(drafts=_drafts(people))
        assert mailoutbox == []
    assert len(callbacks) == 3  # 2 + 2 + 1

    for callback in callbacks:
        callback()
    assert len(mailoutbox) == 5
    assert set(Notification.objects.values_list("email_state", flat=True)) == {State.SENT}


def test_a_batch_sends_each_email_once_even_when_queued_twice(django_capture_on_commit_callbacks, mailoutbox):
    people = UserFactory.create_batch(2)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notifications_bulk_send(drafts=_drafts(people))

    for callback in callbacks * 2:
        callback()
    assert len(mailoutbox) == 2


def test_the_cost_does_not_grow_with_the_number_of_recipients(django_assert_max_num_queries):
    people = UserFactory.create_batch(40)
    drafts = [
        NotificationDraft(recipient=person, kind=PING, title="Ping", dedupe_key=f"event:{index % 7}")
        for index, person in enumerate(people)
    ]
    # Savepoint, already recorded, preferences, INSERT, ids to e-mail, release.
    with transaction.atomic(), django_assert_max_num_queries(6):
        assert notifications_bulk_send(drafts=drafts) == 40


def test_an_unknown_kind_is_refused_before_anything_is_recorded():
    with pytest.raises(LookupError):
        notifications_bulk_send(drafts=_drafts([UserFactory()], kind="test.misspelt"))
    assert not Notification.objects.exists()
