"""A new visitor signs up, verifies the e-mail address, signs in, edits the profile and sees a notification."""

import re

from django.core import mail

from tests.browser.conftest import axe_settled

PASSWORD = "a sturdy passphrase 42"


def verification_link(address: str) -> str:
    message = next(m for m in reversed(mail.outbox) if address in m.to)
    return re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body).group(0)


def test_new_visitor_signs_up_verifies_signs_in_edits_profile_and_reads_a_notification(page, home_page, live_server):
    page.goto("/")
    axe_settled(page)
    page.get_by_role("link", name="Sign up").click()
    axe_settled(page)
    page.get_by_label("Email").fill("nadia@example.org")
    page.get_by_label("Username").fill("nadia")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url("**/accounts/confirm-email/")
    axe_settled(page)

    link = verification_link("nadia@example.org")
    assert link.startswith(live_server.url)
    page.goto(link)
    axe_settled(page)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/accounts/login/")
    axe_settled(page)

    page.get_by_label("Email").fill("nadia@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/me/")
    axe_settled(page)

    page.goto("/settings/profile/")
    axe_settled(page)
    page.get_by_label("Display name").fill("Nadia Haddad")
    page.get_by_role("textbox", name="About you").fill("Learning statistics with friends.")
    page.get_by_label("Time zone", exact=True).select_option("Africa/Casablanca")
    page.get_by_role("button", name="Save profile").click()
    axe_settled(page)
    assert page.get_by_role("link", name="Nadia Haddad").is_visible()

    page.goto("/people/nadia/")
    axe_settled(page)
    assert page.get_by_text("Learning statistics with friends.").is_visible()

    notifications = page.get_by_role("navigation", name="Main").get_by_role("link", name=re.compile("Notifications"))
    assert "1" in notifications.inner_text()
    notifications.click()
    page.wait_for_url("**/notifications/")
    axe_settled(page)
    page.get_by_role("button", name="Welcome to Learning Commons", exact=True).click()
    page.wait_for_url("**/courses/")
    axe_settled(page)
    page.goto("/notifications/")
    axe_settled(page)
    assert page.get_by_role("button", name=re.compile("Mark as read")).count() == 0
