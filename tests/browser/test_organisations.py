"""A verified person creates an organisation, invites a facilitator by e-mail; the facilitator follows the
link from the e-mail, accepts, and the organisation's page lists both.

Every page the browser loads is audited by axe-core (see conftest.py).
"""

import re

from django.core import mail

from cohorts.models import Organisation
from tests.browser.conftest import axe_settled, sign_in_with_the_form, switch_to
from tests.factories import UserFactory


def link_in_mail(address: str) -> str:
    message = next(m for m in reversed(mail.outbox) if address in m.to and "/orgs/invitations/" in m.body)
    return re.search(r"https?://\S*/orgs/invitations/\S+/", message.body).group(0)


def test_an_organiser_invites_a_facilitator_who_accepts(page, live_server, site_tree):
    organiser = UserFactory(display_name="Olga Okafor")
    facilitator = UserFactory(display_name="Fatima Haddad", email="fatima@example.org")

    sign_in_with_the_form(page, organiser)
    page.goto("/orgs/new/")
    axe_settled(page)
    page.get_by_label("Name").fill("Riverside Library")
    page.get_by_label("About").fill("Study circles in every branch of the city's libraries.")
    page.get_by_label("City").fill("Leeds")
    page.get_by_role("button", name="Create the organisation").click()
    page.wait_for_url("**/orgs/riverside-library/")
    axe_settled(page)

    page.get_by_role("link", name="Members, invitations and requests").click()
    page.wait_for_url("**/orgs/riverside-library/members/")
    axe_settled(page)
    page.get_by_label("E-mail address").fill("fatima@example.org")
    page.get_by_label("Role", exact=True).select_option("facilitator")
    page.get_by_role("button", name="Send the invitation").click()
    page.wait_for_url("**/orgs/riverside-library/members/")
    axe_settled(page)
    assert page.get_by_text("fatima@example.org").first.is_visible()

    # Fatima opens the link in the e-mail, signed in with her own account, and accepts.
    switch_to(page, live_server, facilitator)
    page.goto(link_in_mail("fatima@example.org"))
    axe_settled(page)
    page.get_by_role("button", name="Accept the invitation").click()
    page.wait_for_url("**/orgs/riverside-library/")
    axe_settled(page)

    people = page.get_by_role("region", name="People")
    assert people.get_by_role("link", name="Olga Okafor").is_visible()
    assert people.get_by_role("link", name="Fatima Haddad").is_visible()
    organisation = Organisation.objects.get(slug="riverside-library")
    assert organisation.memberships.active().filter(user=facilitator, role="facilitator").exists()
