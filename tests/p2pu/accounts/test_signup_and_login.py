"""Sign-up with mandatory e-mail verification, sign-in by e-mail, sign-out, and allauth's rate limits."""

import datetime as dt

import pytest
import time_machine
from allauth.account import app_settings as allauth_settings
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.contrib.auth import get_user_model
from django.urls import reverse

from p2pu.notifications.models import SentEmail
from tests.factories import DEFAULT_PASSWORD, UserFactory

User = get_user_model()
PASSWORD = "correct horse battery staple"

pytestmark = pytest.mark.django_db


def signup(client, **overrides):
    data = {"email": "ada@example.org", "username": "ada", "password1": PASSWORD, "password2": PASSWORD}
    return client.post(reverse("account_signup"), {**data, **overrides})


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def test_signup_verify_by_link_then_sign_in_by_email(
    client, mailoutbox, django_capture_on_commit_callbacks, link_in_mail
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = signup(client, email="Ada@Example.org")

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    # Queued after commit rather than sent inside the request.
    assert len(callbacks) == 1
    user = User.objects.get(username="ada")
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.verified, address.primary) == ("ada@example.org", False, True)
    assert signed_in_user_id(client) is None

    [message] = mailoutbox
    assert message.to == ["ada@example.org"]
    assert message.subject == "[Learning Commons] Welcome! Confirm your e-mail address"
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    confirm_path = link_in_mail(message, "/accounts/confirm-email/")
    assert confirm_path in html
    assert SentEmail.objects.filter(dedupe_key__startswith="account:email_confirmation_signup:").count() == 1

    # Opening the link asks for confirmation; only the POST confirms (mail scanners follow links).
    page = client.get(confirm_path)
    assert page.status_code == 200
    assert b"Confirm e-mail address" in page.content
    address.refresh_from_db()
    assert not address.verified

    confirmed = client.post(confirm_path)
    assert confirmed.status_code == 302
    assert confirmed.url == reverse("account_login")
    address.refresh_from_db()
    assert address.verified

    signed_in = client.post(reverse("account_login"), {"login": "ada@example.org", "password": PASSWORD})
    assert signed_in.status_code == 302
    assert signed_in.url == "/me/"
    assert signed_in_user_id(client) == str(user.pk)


def test_unverified_person_cannot_sign_in_and_is_told_to_verify(
    client, mailoutbox, django_capture_on_commit_callbacks, link_in_mail
):
    person = UserFactory(verified=False)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_login"), {"login": person.email, "password": DEFAULT_PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert signed_in_user_id(client) is None
    page = client.get(response.url)
    assert b"Check your e-mail" in page.content
    # A fresh link is on its way, so the person is not stuck with an old one.
    [message] = mailoutbox
    assert message.to == [person.email]
    link_in_mail(message, "/accounts/confirm-email/")


def test_signup_with_an_address_that_has_an_account_creates_nothing_and_tells_its_owner(
    client, mailoutbox, django_capture_on_commit_callbacks, link_in_mail
):
    owner = UserFactory(email="taken@example.org")
    users_before = User.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        response = signup(client, email="Taken@Example.org", username="newcomer")

    # The page does not reveal that the address is taken (allauth's enumeration prevention)...
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert User.objects.count() == users_before
    assert not User.objects.filter(username="newcomer").exists()
    assert EmailAddress.objects.filter(email__iexact="taken@example.org").count() == 1
    # ...the address's owner gets the clear message instead, with a way back into their account.
    [message] = mailoutbox
    assert message.to == [owner.email]
    assert message.subject == "[Learning Commons] You already have an account"
    assert "already has an account, so no new account was created" in message.body
    link_in_mail(message, reverse("account_reset_password"))


def test_weak_password_is_rejected_next_to_the_field(client, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = signup(client, password1="password", password2="password")

    assert response.status_code == 200
    assert not User.objects.filter(username="ada").exists()
    assert mailoutbox == []
    errors = response.context["form"].errors["password1"]
    assert "This password is too common." in errors
    html = response.content.decode()
    assert 'id="id_password1_error"' in html
    assert 'aria-describedby="id_password1_helptext id_password1_error"' in html
    assert "This password is too common." in html


def valid_key(address):
    return EmailConfirmationHMAC(address).key


def tampered_key(address):
    key = valid_key(address)
    return key[:-1] + ("A" if key[-1] != "A" else "B")


def expired_key(address):
    # The key is signed with the time it was made: make it as if it had been sent long enough ago.
    sent = dt.datetime.now(dt.UTC) - dt.timedelta(days=allauth_settings.EMAIL_CONFIRMATION_EXPIRE_DAYS + 1)
    with time_machine.travel(sent, tick=False):
        return valid_key(address)


@pytest.mark.parametrize("make_key", [lambda address: "not-a-real-key", tampered_key, expired_key])
def test_bad_confirmation_link_says_so_and_verifies_nothing(client, make_key):
    person = UserFactory(verified=False)
    address = EmailAddress.objects.get(user=person)
    path = reverse("account_confirm_email", args=[make_key(address)])

    page = client.get(path)
    posted = client.post(path)

    assert page.status_code == 200
    assert b"Link expired or not valid" in page.content
    # The page offers no confirm button for a bad key; a hand-made POST finds nothing to confirm.
    assert posted.status_code == 404
    address.refresh_from_db()
    assert not address.verified


def test_fresh_confirmation_link_made_the_same_way_does_confirm(client):
    """The bad-link tests above fail for the right reason: a key made the same way, now and intact, works."""
    person = UserFactory(verified=False)
    address = EmailAddress.objects.get(user=person)

    client.post(reverse("account_confirm_email", args=[valid_key(address)]))

    address.refresh_from_db()
    assert address.verified


def test_sign_out_asks_on_get_and_signs_out_on_post(client, user):
    client.force_login(user)

    page = client.get(reverse("account_logout"))
    assert page.status_code == 200
    assert signed_in_user_id(client) == str(user.pk)

    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert signed_in_user_id(client) is None


def test_wrong_password_is_refused_with_a_message(client, user):
    response = client.post(reverse("account_login"), {"login": user.email, "password": "not-the-password"})

    assert response.status_code == 200
    assert signed_in_user_id(client) is None
    assert b"The email address and/or password you specified are not correct." in response.content


def test_rate_limit_locks_out_after_repeated_failures(client, user, settings):
    # The test settings switch rate limits off for speed; this is how they behave when on.
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/m/ip"}
    login_url = reverse("account_login")

    for _ in range(3):
        failed = client.post(login_url, {"login": user.email, "password": "not-the-password"})
        assert b"not correct" in failed.content

    locked = client.post(login_url, {"login": user.email, "password": DEFAULT_PASSWORD})

    assert locked.status_code == 200
    assert b"Too many failed login attempts. Try again later." in locked.content
    assert signed_in_user_id(client) is None


def test_without_failures_the_same_rate_limit_lets_the_right_password_in(client, user, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/m/ip"}

    response = client.post(reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD})

    assert response.status_code == 302
    assert signed_in_user_id(client) == str(user.pk)
