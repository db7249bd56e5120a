"""Editing one's own profile, and the public profile that shows only what its owner chose."""

import re

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from p2pu.accounts.models import User
from p2pu.accounts.profile_signals import display_name_changed
from p2pu.accounts.services import profile_update
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

EDIT_URL = reverse("accounts:profile_edit")


def profile_data(**overrides):
    data = {
        "display_name": "Ada L.",
        "bio": "Learning statistics; happy to help with Python.",
        "time_zone": "America/Sao_Paulo",
        "languages": ["pt", "en"],
        "show_bio": "on",
        "show_languages": "on",
    }
    return {**data, **overrides}


# --- Editing ----------------------------------------------------------------------------------------


def test_edit_page_shows_the_current_values(client, user):
    profile_update(user=user, time_zone="Asia/Tokyo", languages=["ja"], bio="Hello")
    client.force_login(user)

    page = client.get(EDIT_URL)

    html = page.content.decode()
    assert page.status_code == 200
    assert '<option value="Asia/Tokyo" selected>' in html
    assert re.search(r'<input type="checkbox" name="languages" value="ja"[^>]* checked>', html)
    assert not re.search(r'<input type="checkbox" name="languages" value="en"[^>]* checked>', html)
    assert '<label for="id_time_zone">Time zone</label>' in html
    assert "<legend>Languages you can learn in</legend>" in html
    assert ">Save profile</button>" in html


def test_owner_saves_their_profile(client, user):
    client.force_login(user)

    response = client.post(EDIT_URL, profile_data())

    assert response.status_code == 302
    assert response.url == EDIT_URL
    user.refresh_from_db()
    assert user.display_name == "Ada L."
    assert user.bio == "Learning statistics; happy to help with Python."
    assert user.time_zone == "America/Sao_Paulo"
    assert user.languages == ["pt", "en"]
    assert (user.show_bio, user.show_languages, user.show_time_zone) == (True, True, False)
    assert "Your profile has been saved." in client.get(EDIT_URL).content.decode()


def test_unknown_time_zone_is_rejected_next_to_the_field_and_nothing_is_saved(client, user):
    before = (user.display_name, user.time_zone, user.bio)
    client.force_login(user)

    response = client.post(EDIT_URL, profile_data(time_zone="Mars/Olympus_Mons"))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<ul class="errorlist" id="id_time_zone_error"><li>Choose a time zone from the list.</li></ul>' in html
    assert 'aria-invalid="true" aria-describedby="id_time_zone_helptext id_time_zone_error"' in html
    # What the person typed elsewhere is kept in the form, not lost.
    assert 'value="Ada L."' in html
    user.refresh_from_db()
    assert (user.display_name, user.time_zone, user.bio) == before


def test_unknown_language_is_rejected_and_nothing_is_saved(client, user):
    client.force_login(user)

    response = client.post(EDIT_URL, profile_data(languages=["en", "klingon"]))

    assert response.status_code == 200
    assert "id_languages_error" in response.content.decode()
    user.refresh_from_db()
    assert user.languages == []


def test_anonymous_visitor_is_sent_to_sign_in(client):
    for url in (EDIT_URL, reverse("accounts:settings")):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url == f"{reverse('account_login')}?next={url}"

    assert client.post(EDIT_URL, profile_data()).status_code == 302


def test_posting_as_one_person_never_touches_another(client, user, other_user):
    """There is no URL naming whose profile to edit: whatever B posts changes B only."""
    before = {field: getattr(user, field) for field in ("display_name", "bio", "time_zone", "languages")}
    client.force_login(other_user)

    client.post(EDIT_URL, profile_data(display_name="Taken over", username=user.username, id=user.pk, pk=user.pk))

    user.refresh_from_db()
    other_user.refresh_from_db()
    assert {field: getattr(user, field) for field in before} == before
    assert other_user.display_name == "Taken over"
    assert other_user.username != user.username


def test_profile_update_refuses_fields_outside_the_profile(user):
    with pytest.raises(TypeError):
        profile_update(user=user, is_staff=True)

    user.refresh_from_db()
    assert not user.is_staff


def test_profile_update_validates_and_leaves_the_user_untouched(user):
    with pytest.raises(ValidationError) as error:
        profile_update(user=user, display_name="New name", time_zone="Nowhere/Special")

    assert "time_zone" in error.value.message_dict
    assert user.display_name != "New name"
    assert user.time_zone == "UTC"
    user.refresh_from_db()
    assert user.time_zone == "UTC"


# --- The public profile --------------------------------------------------------------------------------


def test_public_profile_shows_only_what_was_chosen(client):
    person = UserFactory(display_name="Grace H.", bio="Secret bio text", time_zone="Europe/Oslo")
    profile_update(user=person, languages=["nb", "en"], show_bio=False, show_languages=True, show_time_zone=False)

    html = client.get(person.get_absolute_url()).content.decode()

    assert "<h1><bdi>Grace H.</bdi></h1>" in html
    assert f"@{person.username}" in html
    assert "Norwegian Bokmål, English" in html
    assert "Secret bio text" not in html
    assert "Europe/Oslo" not in html
    assert person.email not in html

    profile_update(user=person, show_bio=True, show_languages=False, show_time_zone=True)
    html = client.get(person.get_absolute_url()).content.decode()

    assert "Secret bio text" in html
    assert "Europe/Oslo" in html
    assert "Norwegian Bokmål" not in html


def test_inactive_person_has_no_public_profile(client):
    person = UserFactory(is_active=False)

    assert client.get(person.get_absolute_url()).status_code == 404
    assert client.get(reverse("accounts:profile", kwargs={"username": "no-such-person"})).status_code == 404


def test_owner_sees_a_link_to_edit_others_do_not(client, user, other_user):
    client.force_login(user)
    assert EDIT_URL in client.get(user.get_absolute_url()).content.decode().split("<main")[1]
    assert EDIT_URL not in client.get(other_user.get_absolute_url()).content.decode().split("<main")[1]


def test_public_profile_query_count_does_not_grow_with_the_profile(client, django_assert_num_queries):
    small = UserFactory(bio="", languages=[])
    large = UserFactory(bio="Long bio. " * 150, show_time_zone=True)
    profile_update(user=large, languages=["en", "fr", "de", "es"])

    client.get(small.get_absolute_url())  # The first request of a run also fills the site settings cache.
    with CaptureQueriesContext(connection) as small_queries:
        client.get(small.get_absolute_url())
    with django_assert_num_queries(len(small_queries)):
        client.get(large.get_absolute_url())
    assert len(small_queries) <= 3


# --- The name others see ----------------------------------------------------------------------------


@pytest.fixture
def names_changed():
    """The people ``display_name_changed`` was sent for, in order."""
    sent = []

    def record(sender, user, **kwargs):
        sent.append(user.pk)

    display_name_changed.connect(record, dispatch_uid="test_names_changed")
    yield sent
    display_name_changed.disconnect(dispatch_uid="test_names_changed")


def test_a_changed_name_is_announced_and_other_fields_are_not(user, names_changed):
    profile_update(user=user, display_name="Ada L.")
    profile_update(user=user, display_name="Ada L.", bio="Hello")
    profile_update(user=user, time_zone="Asia/Tokyo")
    assert names_changed == [user.pk]


def test_an_admin_renaming_a_person_announces_it(rf, user, names_changed):
    user_admin = admin.site._registry[User]
    request = rf.post("/")
    person = User.objects.get(pk=user.pk)
    person.bio = "Hello"
    user_admin.save_model(request, person, form=None, change=True)
    assert names_changed == []
    person.display_name = "Ada by the admin"
    user_admin.save_model(request, person, form=None, change=True)
    assert names_changed == [user.pk]
