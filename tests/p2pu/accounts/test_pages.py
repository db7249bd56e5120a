"""Every account page renders in the site's own layout, with one h1 and a real label for every field."""

from html.parser import HTMLParser

import pytest
from allauth.account.decorators import verified_email_required
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from django.contrib.messages.storage.fallback import FallbackStorage
from django.http import HttpResponse
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class PageStructure(HTMLParser):
    """Collects what the checks below need: h1s, form controls, labels' targets, the main landmark."""

    def __init__(self):
        super().__init__()
        self.h1_count = 0
        self.has_main = False
        self.controls = []
        self.label_targets = set()
        self._label_depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "h1":
            self.h1_count += 1
        elif tag == "main":
            self.has_main = True
        elif tag == "label":
            self._label_depth += 1
            if attrs.get("for"):
                self.label_targets.add(attrs["for"])
        elif tag in {"input", "select", "textarea"} and not self._is_unlabelled_by_design(attrs):
            self.controls.append((attrs.get("name"), attrs.get("id"), self._label_depth > 0))

    @staticmethod
    def _is_unlabelled_by_design(attrs):
        return attrs.get("type") in {"hidden", "submit", "button"} or "disabled" in attrs

    def handle_endtag(self, tag):
        if tag == "label":
            self._label_depth -= 1


def assert_site_page(response):
    assert response.status_code == 200
    html = response.content.decode()
    assert '<a class="skip-link" href="#main">Skip to content</a>' in html
    assert 'class="site-header"' in html
    assert 'class="site-footer"' in html
    structure = PageStructure()
    structure.feed(html)
    assert structure.has_main
    assert structure.h1_count == 1, "one h1 per page"
    unlabelled = [
        name for name, id_, wrapped in structure.controls if not wrapped and id_ not in structure.label_targets
    ]
    assert unlabelled == [], f"fields without a label: {unlabelled}"
    return html


def reset_key(user):
    return f"{user_pk_to_url_str(user)}-{default_token_generator.make_token(user)}"


ANONYMOUS_PAGES = {
    "sign in": lambda: reverse("account_login"),
    "sign up": lambda: reverse("account_signup"),
    "verification sent": lambda: reverse("account_email_verification_sent"),
    "confirm e-mail": lambda: reverse(
        "account_confirm_email",
        args=[EmailConfirmationHMAC(EmailAddress.objects.get(user=UserFactory(verified=False))).key],
    ),
    "confirm e-mail, bad link": lambda: reverse("account_confirm_email", args=["no-such-key"]),
    "password reset": lambda: reverse("account_reset_password"),
    "password reset sent": lambda: reverse("account_reset_password_done"),
    "password reset, bad link": lambda: reverse(
        "account_reset_password_from_key", kwargs={"uidb36": "zz", "key": "not-a-token"}
    ),
    "password reset done": lambda: reverse("account_reset_password_from_key_done"),
    "inactive account": lambda: reverse("account_inactive"),
}

SIGNED_IN_PAGES = {
    "sign out": "account_logout",
    "e-mail address": "account_email",
    "change password": "account_change_password",
    "reauthenticate": "account_reauthenticate",
    "account settings": "accounts:settings",
    "edit profile": "accounts:profile_edit",
}


@pytest.mark.parametrize("page", ANONYMOUS_PAGES)
def test_anonymous_account_pages_use_the_site_layout(client, page):
    assert_site_page(client.get(ANONYMOUS_PAGES[page]()))


def test_password_reset_form_uses_the_site_layout(client, user):
    opened = client.get(
        reverse("account_reset_password_from_key", kwargs={"uidb36": "x", "key": "y"}).replace("x-y", reset_key(user))
    )
    html = assert_site_page(client.get(opened.url))
    assert "Choose a new password" in html


@pytest.mark.parametrize("page", SIGNED_IN_PAGES)
def test_signed_in_account_pages_use_the_site_layout(client, user, page):
    client.force_login(user)
    assert_site_page(client.get(reverse(SIGNED_IN_PAGES[page])))


def test_public_profile_uses_the_site_layout(client, user):
    assert_site_page(client.get(user.get_absolute_url()))


def test_e_mail_page_while_a_change_is_pending(client, user, django_capture_on_commit_callbacks):
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_email"), {"email": "pending@example.org", "action_add": ""})

    html = assert_site_page(client.get(reverse("account_email")))

    assert "pending@example.org" in html
    assert 'form="pending-email" name="action_remove"' in html


def test_the_browser_journey_finds_its_buttons(client, user):
    """The first-journey browser test drives these pages by their visible button texts."""
    assert ">Sign up</button>" in client.get(reverse("account_signup")).content.decode()
    assert ">Sign in</button>" in client.get(reverse("account_login")).content.decode()
    client.force_login(user)
    assert ">Save profile</button>" in client.get(reverse("accounts:profile_edit")).content.decode()


def test_settings_page_links_every_account_setting(client, user):
    client.force_login(user)

    html = client.get(reverse("accounts:settings")).content.decode()

    for url in (
        reverse("accounts:profile_edit"),
        reverse("account_email"),
        reverse("account_change_password"),
        "/notifications/preferences/",
        user.get_absolute_url(),
    ):
        assert f'href="{url}"' in html


def test_verified_email_required_page_uses_the_site_layout(rf, user):
    """allauth shows this page from its @verified_email_required decorator, for views that use it."""
    EmailAddress.objects.filter(user=user).update(verified=False)
    request = rf.get("/somewhere/")
    request.user = user
    request.session = {}
    request._messages = FallbackStorage(request)

    response = verified_email_required(lambda request: HttpResponse("the protected page"))(request)

    html = assert_site_page(response)
    assert "the protected page" not in html
    assert "Confirm your e-mail address first" in html


def test_the_header_marks_the_section_the_page_is_in(client):
    circles = f'<a href="{reverse("cohorts:list")}" aria-current="page">Study circles</a>'
    search = f'<a href="{reverse("search")}" aria-current="page">Search</a>'

    circles_page = client.get(reverse("cohorts:list")).content.decode()
    search_page = client.get(reverse("search")).content.decode()

    assert circles in circles_page and search not in circles_page
    assert search in search_page and circles not in search_page
