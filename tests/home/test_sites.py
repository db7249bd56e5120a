"""The cached site, root page and locales (home.sites): what routing reads on every request."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from wagtail.models import Locale

from courses.locales import active_locale_id
from home.models import HomePage
from tests.cohorts.factories import make_course

pytestmark = pytest.mark.django_db


def sql_of(queries) -> str:
    return "\n".join(query["sql"] for query in queries.captured_queries)


def test_a_page_served_again_reads_neither_the_locale_nor_the_root_page(client, home_page):
    course = make_course(modules=1)
    client.get(course.url)  # caches the site
    client.get(course.url)  # and, routing from the cached root page, the locales

    with CaptureQueriesContext(connection) as queries:
        response = client.get(course.url)

    assert response.status_code == 200
    assert 'FROM "wagtailcore_locale"' not in sql_of(queries)
    assert 'FROM "home_homepage"' not in sql_of(queries)


def test_the_home_page_shows_what_was_last_published_though_the_site_is_cached(
    client, home_page, django_capture_on_commit_callbacks
):
    client.get("/")
    client.get("/")
    home_page.hero_heading = "Learning in the library on Thursdays"
    with django_capture_on_commit_callbacks(execute=True):
        home_page.save_revision().publish()

    assert "Learning in the library on Thursdays" in client.get("/").text


def test_a_spanish_visitor_is_routed_through_the_spanish_home_page(
    client, home_page, django_capture_on_commit_callbacks
):
    client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    spanish = HomePage.objects.get(pk=home_page.copy_for_translation(Locale.objects.create(language_code="es")).pk)
    spanish.hero_heading = "Aprender juntos, en abierto."
    with django_capture_on_commit_callbacks(execute=True):
        spanish.save_revision().publish()

    assert "Aprender juntos, en abierto." in client.get("/", HTTP_ACCEPT_LANGUAGE="es").text
    assert "Aprender juntos, en abierto." not in client.get("/", HTTP_ACCEPT_LANGUAGE="en").text


def test_the_active_locale_follows_the_language_and_a_new_locale(home_page):
    english = Locale.objects.get(language_code="en")
    with translation.override("fr"):
        assert active_locale_id() == english.pk  # no French locale yet: the default's, as Wagtail does

        french = Locale.objects.create(language_code="fr")

        assert active_locale_id() == french.pk
    with translation.override("en"):
        assert active_locale_id() == english.pk
