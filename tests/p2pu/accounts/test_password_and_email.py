"""Password reset by e-mailed link, password change, and change of e-mail address."""

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from tests.factories import DEFAULT_PASSWORD, UserFactory

NEW_PASSWORD = "a brand new passphrase"

pytestmark = pytest.mark.django_db


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def sign_in(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_password_reset_end_to_end(client, user, mailoutbox, django_capture_on_commit_callbacks, link_in_mail):
    with django_capture_on_commit_callbacks(execute=True):
        requested = client.post(reverse("account_reset_password"), {"email": user.email.upper()})
    assert requested.status_code == 302
    assert requested.url == reverse("account_reset_password_done")

    [message] = mailoutbox
    assert message.to == [user.email]
    assert message.subject == "[Learning Commons] Reset your password"
    reset_path = link_in_mail(message, "/accounts/password/reset/key/")

    # allauth moves the key out of the URL into the session before showing the form.
    opened = client.get(reset_path)
    assert opened.status_code == 302
    form_page = client.get(opened.url)
    assert form_page.status_code == 200
    assert b"Choose a new password" in form_page.content

    changed = client.post(opened.url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert changed.status_code == 302
    assert changed.url == reverse("account_reset_password_from_key_done")

    assert signed_in_user_id(client) is None
    assert b"not correct" in sign_in(client, user.email, DEFAULT_PASSWORD).content
    assert sign_in(client, user.email, NEW_PASSWORD).status_code == 302
    assert signed_in_user_id(client) == str(user.pk)

    # The link works once.
    client.post(reverse("account_logout"))
    reused = client.get(reset_path, follow=True)
    assert b"Link expired or not valid" in reused.content


def test_password_reset_for_an_unknown_address_tells_that_address(
    client, mailoutbox, django_capture_on_commit_callbacks, link_in_mail
):
    with django_capture_on_commit_callbacks(execute=True):
        requested = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})

    # Same answer on the page as for a known address, so the form does not reveal who has an account.
    assert requested.url == reverse("account_reset_password_done")
    [message] = mailoutbox
    assert message.to == ["nobody@example.org"]
    assert "no account uses this address" in message.body
    link_in_mail(message, reverse("account_signup"))


def test_password_change_needs_the_current_password(client, user):
    client.force_login(user)
    url = reverse("account_change_password")

    refused = client.post(url, {"oldpassword": "wrong", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert refused.status_code == 200
    assert 'id="id_oldpassword_error"' in refused.content.decode()
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)

    changed = client.post(url, {"oldpassword": DEFAULT_PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert changed.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_change_of_email_takes_effect_once_the_new_address_is_verified(
    client, user, mailoutbox, django_capture_on_commit_callbacks, link_in_mail
):
    old_email = user.email
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        added = client.post(reverse("account_email"), {"email": "New.Address@example.org", "action_add": ""})

    assert added.status_code == 302
    new_address = EmailAddress.objects.get(user=user, email="new.address@example.org")
    assert not new_address.verified
    assert not new_address.primary
    user.refresh_from_db()
    assert user.email == old_email
    page = client.get(reverse("account_email"))
    assert b"new.address@example.org" in page.content
    assert b"Send the link again" in page.content

    [message] = mailoutbox
    assert message.to == ["new.address@example.org"]
    assert message.subject == "[Learning Commons] Confirm your e-mail address"
    confirm_path = link_in_mail(message, "/accounts/confirm-email/")

    client.post(confirm_path)

    new_address.refresh_from_db()
    assert new_address.verified
    assert new_address.primary
    assert not EmailAddress.objects.filter(user=user, email=old_email).exists()
    user.refresh_from_db()
    assert user.email == "new.address@example.org"
    client.post(reverse("account_logout"))
    assert sign_in(client, "new.address@example.org", DEFAULT_PASSWORD).status_code == 302


def test_change_to_an_address_of_another_account_never_moves_it(
    client, user, mailoutbox, django_capture_on_commit_callbacks, link_in_mail
):
    other = UserFactory()
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_email"), {"email": other.email, "action_add": ""})

    # Enumeration prevention: the request looks accepted and a link goes to the address; opening it
    # (by its owner, the only one who can read it) still cannot take the address from its account.
    [message] = mailoutbox
    assert message.to == [other.email]
    confirm_path = link_in_mail(message, "/accounts/confirm-email/")
    page = client.get(confirm_path)
    assert b"it already belongs to a different account" in page.content
    client.post(confirm_path)

    owned = EmailAddress.objects.get(email=other.email, user=other)
    assert owned.verified and owned.primary
    assert not EmailAddress.objects.filter(user=user, email=other.email, verified=True).exists()
    user.refresh_from_db()
    assert user.email != other.email
