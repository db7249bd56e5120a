"""Signed one-click unsubscribe links: they switch off exactly what they name, and bad links change nothing."""

import datetime as dt

import pytest
import time_machine
from django.core import signing
from django.test import Client
from django.urls import reverse

from p2pu.notifications import kinds, services
from p2pu.notifications.models import NotificationPreference

pytestmark = pytest.mark.django_db


def link(token: str) -> str:
    return reverse("notifications:unsubscribe", kwargs={"token": token})


def test_the_link_asks_first_then_unsubscribes(user, client):
    url = link(services.unsubscribe_token_make(user=user, kind="test.ping"))

    page = client.get(url)
    assert page.status_code == 200
    assert b"Someone pinged you" in page.content
    assert b'<button type="submit">Unsubscribe</button>' in page.content
    assert not NotificationPreference.objects.exists(), "a GET (or a link scanner) changes nothing"

    done = client.post(url)
    assert done.status_code == 200
    assert b"unsubscribed" in done.content
    assert services.email_frequency(user=user, kind="test.ping") == kinds.Frequency.OFF
    assert services.email_frequency(user=user, kind="test.digested") == kinds.Frequency.DAILY


def test_mail_clients_can_unsubscribe_in_one_click_without_a_session_or_csrf_token(user):
    client = Client(enforce_csrf_checks=True)
    url = link(services.unsubscribe_token_make(user=user, kind="test.ping"))

    response = client.post(url, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")

    assert response.status_code == 200
    assert services.email_frequency(user=user, kind="test.ping") == kinds.Frequency.OFF


def test_the_all_kinds_link_pauses_every_email(user, client):
    client.post(link(services.unsubscribe_token_make(user=user, kind=kinds.ALL_KINDS)))

    assert services.preferences_get(user=user) == {kinds.ALL_KINDS: "off"}
    assert services.email_frequency(user=user, kind="test.ping") == kinds.Frequency.OFF


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_link_changes_nothing(user, other_user, client, method):
    token = services.unsubscribe_token_make(user=user, kind="test.ping")
    payload, rest = token.split(":", 1)
    # Someone edits the payload to point at another person.
    forged_payload = signing.b64_encode(f'{{"user":{other_user.pk},"kind":"test.ping"}}'.encode()).decode()

    for bad in (f"{forged_payload}:{rest}", token[:-3] + "abc", "not-a-token"):
        response = getattr(client, method)(link(bad))
        assert response.status_code == 400
        assert b"doesn" in response.content and b"Nothing was changed" in response.content
    assert not NotificationPreference.objects.exists()


def test_a_token_signed_for_something_else_is_refused(user, client):
    other_purpose = signing.dumps({"user": user.pk, "kind": "test.ping"})  # no unsubscribe salt

    assert client.post(link(other_purpose)).status_code == 400
    assert not NotificationPreference.objects.exists()


def test_an_expired_link_changes_nothing(user, client, settings):
    made = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
    max_age = dt.timedelta(seconds=settings.SIGNED_LINK_MAX_AGE)
    with time_machine.travel(made, tick=False):
        token = services.unsubscribe_token_make(user=user, kind="test.ping")
    # A minute before it expires the link still works (a GET changes nothing)...
    with time_machine.travel(made + max_age - dt.timedelta(minutes=1), tick=False):
        assert client.get(link(token)).status_code == 200

    # ...and a minute after, it no longer does.
    with time_machine.travel(made + max_age + dt.timedelta(minutes=1), tick=False):
        response = client.post(link(token))

    assert response.status_code == 400
    assert b"expired" in response.content
    assert not NotificationPreference.objects.exists()


def test_a_link_for_a_kind_no_longer_registered_is_refused(user, client):
    token = services.unsubscribe_token_make(user=user, kind="test.retired")

    assert client.post(link(token)).status_code == 400
    assert not NotificationPreference.objects.exists()
