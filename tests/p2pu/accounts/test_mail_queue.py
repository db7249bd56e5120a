"""allauth's e-mail leaves through Celery after the transaction commits, once, with links on SITE_URL."""

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from p2pu.notifications.models import SentEmail
from tests.factories import UserFactory

PASSWORD = "correct horse battery staple"

pytestmark = pytest.mark.django_db


def signup(client, **extra):
    data = {"email": "ada@example.org", "username": "ada", "password1": PASSWORD, "password2": PASSWORD}
    return client.post(reverse("account_signup"), data, **extra)


def test_nothing_is_sent_before_the_transaction_commits(client, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        signup(client)

    assert mailoutbox == []
    assert len(callbacks) == 1

    callbacks[0]()

    assert [message.to for message in mailoutbox] == [["ada@example.org"]]


def test_a_repeated_delivery_of_the_same_message_sends_it_once(client, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        signup(client)

    # What a Celery redelivery does: run the same task with the same arguments again.
    callbacks[0]()
    callbacks[0]()

    assert len(mailoutbox) == 1
    assert SentEmail.objects.get().state == "sent"


def test_asking_again_is_a_new_message(client, mailoutbox, django_capture_on_commit_callbacks):
    person = UserFactory(verified=False)
    client.force_login(person)

    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("account_email"), {"email": person.email, "action_send": ""})

    assert len(mailoutbox) == 2
    assert SentEmail.objects.count() == 2


def test_links_point_at_site_url_whatever_host_the_request_used(
    client, settings, mailoutbox, django_capture_on_commit_callbacks, link_in_mail
):
    settings.SITE_URL = "https://learn.example.org"

    with django_capture_on_commit_callbacks(execute=True):
        signup(client, HTTP_HOST="attacker.example")

    [message] = mailoutbox
    assert "attacker.example" not in message.body
    [(html, _)] = message.alternatives
    assert "attacker.example" not in html
    confirm_path = link_in_mail(message, "/accounts/confirm-email/")
    assert f'href="https://learn.example.org{confirm_path}"' in html


def test_mail_is_branded_and_html_escapes_what_people_typed(
    client, settings, mailoutbox, django_capture_on_commit_callbacks
):
    person = UserFactory(display_name="<script>alert(1)</script>")
    EmailAddress.objects.filter(user=person).update(verified=False)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_login"), {"login": person.email, "password": "a-long-test-password"})

    [message] = mailoutbox
    [(html, _)] = message.alternatives
    assert message.subject.startswith("[Learning Commons] ")
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert "Learning Commons" in message.body
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
