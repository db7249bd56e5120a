"""A learner downloads their data, then deletes their account after entering their password again."""

from cohorts.models import Membership
from tests.browser.conftest import axe_settled, switch_to
from tests.cohorts.factories import join, make_circle
from tests.factories import DEFAULT_PASSWORD, UserFactory


def test_a_learner_downloads_their_data_and_deletes_their_account(page, live_server, site_tree):
    learner = UserFactory(username="rosa", display_name="Rosa Lind")
    circle = make_circle()
    join(circle, learner)
    switch_to(page, live_server, learner)

    page.goto("/settings/")
    axe_settled(page)
    page.get_by_role("link", name="Download my data").click()
    axe_settled(page)
    page.get_by_role("button", name="Download my data").click()
    axe_settled(page)
    # Built in the background (eager here); the notification and the page now offer the file.
    page.reload()
    axe_settled(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download", exact=True).click()
    assert download.value.suggested_filename.startswith("my-data-")

    page.goto("/settings/")
    axe_settled(page)
    page.get_by_role("link", name="Delete my account").click()
    axe_settled(page)
    page.get_by_label("Remove my name from the credits, and from the credits of remixes").check()
    page.get_by_label("I understand that my account cannot be restored").check()
    page.get_by_role("button", name="Delete my account").click()
    # Signed in by cookie, not just now: the password first.
    page.wait_for_url("**/accounts/reauthenticate/**")
    axe_settled(page)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    # allauth then resumes the deletion that was asked for.
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(f"{live_server.url}/")
    axe_settled(page)
    assert "Your account has been deleted" in page.content()
    assert not Membership.objects.filter(circle=circle, user__username="rosa").exists()
    page.goto("/people/rosa/")
    axe_settled(page)
    assert "Rosa Lind" not in page.content()
