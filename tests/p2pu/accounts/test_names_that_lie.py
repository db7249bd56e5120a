"""From an impersonator's side: names keep no reversing overrides or control characters, are shown
isolated from the text around them, and a profile is public only once its e-mail address is confirmed."""

import pytest
from django.urls import reverse

from p2pu.accounts.services import profile_update
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

RLO = "\u202e"


def test_a_display_name_with_an_override_is_stored_without_it(client):
    person = UserFactory(username="mallory")
    client.force_login(person)
    client.post(
        reverse("accounts:profile_edit"),
        {"display_name": f"Site team{RLO}\x07 ", "bio": f"Hi{RLO}\nthere", "time_zone": "UTC"},
    )
    person.refresh_from_db()
    assert (person.display_name, person.bio) == ("Site team", "Hi\nthere")


def test_the_profile_service_cleans_too():
    person = profile_update(user=UserFactory(), display_name=f"a{RLO}b\nc")
    assert person.display_name == "ab c"


def test_names_are_isolated_on_the_page(client):
    person = profile_update(user=UserFactory(username="amara"), display_name="Amara")
    page = client.get(person.get_absolute_url()).content.decode()
    assert "<h1><bdi>Amara</bdi></h1>" in page


def test_a_profile_is_public_only_once_the_address_is_confirmed(client):
    unconfirmed = UserFactory(username="fresh", verified=False)
    assert client.get("/people/fresh/").status_code == 404
    client.force_login(UserFactory())
    assert client.get("/people/fresh/").status_code == 404
    client.force_login(unconfirmed)
    assert client.get("/people/fresh/").status_code == 200  # their own, to check it before confirming
    unconfirmed.emailaddress_set.update(verified=True)
    client.logout()
    assert client.get("/people/fresh/").status_code == 200
