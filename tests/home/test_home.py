import datetime as dt

import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.models import Page, Site

from home.models import HomePage
from home.seed import DEMO_PEOPLE
from home.seed_organisations import LEARNER_USERNAMES
from home.services import site_tree_ensure
from tests.factories import UserFactory


def test_site_tree_replaces_the_placeholder_page(db):
    site = site_tree_ensure()
    assert isinstance(site.root_page.specific, HomePage)
    assert not Page.objects.filter(title__startswith="Welcome to your new Wagtail site").exists()


def test_site_tree_is_idempotent(db):
    first = site_tree_ensure()
    second = site_tree_ensure()
    assert first.root_page_id == second.root_page_id
    assert HomePage.objects.count() == 1
    assert Site.objects.filter(is_default_site=True).count() == 1


def test_the_site_follows_site_url(db, settings):
    settings.SITE_URL = "http://learn.example.org:8123"
    site = site_tree_ensure()
    assert (site.hostname, site.port) == ("learn.example.org", 8123)
    assert site.root_page.full_url == "http://learn.example.org:8123/"
    # A site whose address changed since it was made (e.g. Wagtail's own "localhost") follows it too.
    settings.SITE_URL = "https://learn.example.org"
    assert site_tree_ensure().root_url == "https://learn.example.org"
    assert Site.objects.get().port == 443


def test_seeding_an_existing_database_keeps_the_site_on_site_url(db, settings, capsys):
    site = site_tree_ensure()
    Site.objects.filter(pk=site.pk).update(hostname="localhost", port=80)
    UserFactory()
    call_command("seed_demo", "--if-empty")
    assert Site.objects.get().root_url == settings.SITE_URL


def test_home_page_renders_with_empty_states(client, home_page):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "How a study circle works" in html
    assert 'class="skip-link"' in html


def test_home_page_query_count_is_small(client, home_page, django_assert_max_num_queries):
    client.get("/")  # warm caches (site root paths, settings)
    with django_assert_max_num_queries(12):
        client.get("/")


def test_search_finds_live_pages_only(client, home_page):
    home_page.add_child(instance=Page(title="Hidden draft about photosynthesis", slug="draft", live=False))
    response = client.get("/search/", {"q": "photosynthesis"})
    assert response.status_code == 200
    assert "Hidden draft" not in response.content.decode()


def test_search_pages_keep_a_query_that_holds_an_ampersand(client, home_page):
    for number in range(11):
        home_page.add_child(instance=Page(title=f"Salt & pepper {number}", slug=f"salt-{number}"))

    response = client.get("/search/", {"q": "salt & pepper"})

    assert 'href="?q=salt+%26+pepper&amp;page=2"' in response.content.decode()


def test_search_without_query_shows_the_form(client, home_page):
    response = client.get("/search/")
    assert response.status_code == 200
    assert '<label for="search-q">' in response.content.decode()


def test_unknown_url_gets_the_friendly_404(client, home_page):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "We couldn't find that page" in response.content.decode()


# The demo circles are scheduled from today (some in the past, with attendance): a fixed day keeps
# the run the same whatever the day it runs on.
@time_machine.travel(dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC))
def test_seed_demo_is_idempotent(db):
    call_command("seed_demo", verbosity=0)
    people = get_user_model().objects.count()
    pages = Page.objects.count()
    call_command("seed_demo", verbosity=0)
    assert get_user_model().objects.count() == people == len(DEMO_PEOPLE) + len(LEARNER_USERNAMES)
    assert Page.objects.count() == pages
