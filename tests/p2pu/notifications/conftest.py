"""Kinds registered only for these tests, and a helper that records a notification as a feature would."""

import pytest

from p2pu.notifications import kinds
from p2pu.notifications.services import notification_send

PING = "test.ping"
DIGESTED = "test.digested"


@pytest.fixture(autouse=True)
def notification_kinds(monkeypatch):
    """A registry of two test kinds, restored afterwards so other tests see the real registry."""
    monkeypatch.setattr(kinds, "_registry", {})
    kinds.register_all(
        (
            kinds.Kind(PING, label="Someone pinged you"),
            kinds.Kind(DIGESTED, label="Something worth a digest", default=kinds.Frequency.DAILY),
        )
    )
    return kinds.all_kinds()


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """Record a notification and run the after-commit e-mail task, as a committed request would."""
    counter = iter(range(1_000_000))

    def send(recipient, kind=PING, **fields):
        fields.setdefault("title", "You have a ping")
        fields.setdefault("dedupe_key", f"test-event-{next(counter)}")
        with django_capture_on_commit_callbacks(execute=True):
            return notification_send(recipient=recipient, kind=kind, **fields)

    return send
