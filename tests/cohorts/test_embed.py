"""The embeddable list of circles, /embed/circles/: a bare page another site frames, filtered by
organisation, language and city; framing allowed for it alone; cached and purged like the API."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cohorts import services
from cohorts.models import Circle, Organisation
from p2pu.core.page_cache import HIT_HEADER
from tests.cohorts.factories import join, make_circle, make_course

pytestmark = pytest.mark.django_db

EMBED = "/embed/circles/"


def page(client, **query) -> str:
    response = client.get(EMBED, query)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def organisation(db):
    return Organisation.objects.create(name="Riverside Library", slug="riverside")


def test_filters_by_organisation_language_and_city(client, course, organisation):
    in_person = {"venue_kind": "in_person", "venue_name": "Library", "country": "Kenya"}
    theirs = make_circle(course=course, name="Riverside Nairobi", city="Nairobi", **in_person)
    Circle.objects.filter(pk=theirs.pk).update(organisation=organisation)
    make_circle(course=course, name="Independent Mombasa", city="Mombasa", **in_person)
    make_circle(course=course, name="Spanish online", language="es")
    make_circle(course=course, name="Unlisted one", listed=False)
    mine = page(client, org="riverside")
    assert "Riverside Nairobi" in mine and "Independent Mombasa" not in mine
    assert "<h1>Study circles by Riverside Library</h1>" in mine
    spanish = page(client, language="es")
    assert "Spanish online" in spanish and "Riverside Nairobi" not in spanish
    mombasa = page(client, city="mombasa")
    assert "Independent Mombasa" in mombasa and "Riverside Nairobi" not in mombasa
    assert "Unlisted one" not in page(client)
    assert "No study circles are open right now." in page(client, org="nobody")


def test_a_bare_page_whose_links_open_in_a_new_tab(client, circle):
    html = page(client)
    assert "cohorts/embed.css" in html and "css/site.css" not in html
    assert "skip-link" not in html and "<script" not in html and "<footer" not in html
    assert f'href="{circle.get_absolute_url()}" target="_blank" rel="noopener"' in html
    assert "(opens in a new tab)" in html
    assert "<h1>Study circles</h1>" in html and "<h2>" in html and '<ul class="circles">' in html


def test_only_the_embed_may_be_framed(client, circle):
    embed = client.get(EMBED)
    assert "X-Frame-Options" not in embed
    assert "frame-ancestors *" in embed["Content-Security-Policy"]
    for path in ("/circles/", circle.get_absolute_url(), "/api/v2/circles/"):
        other = client.get(path)
        assert other["X-Frame-Options"] == "DENY", path
        assert "frame-ancestors" not in other["Content-Security-Policy"], path


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE_ENABLED = True


def test_a_cached_embed_may_still_be_framed(client, circle, page_cache):
    assert client.get(EMBED)[HIT_HEADER] == "miss"
    hit = client.get(EMBED)
    assert hit[HIT_HEADER] == "hit"
    assert "X-Frame-Options" not in hit and "frame-ancestors *" in hit["Content-Security-Policy"]
    # And a cached page of the rest of the site still refuses.
    client.get("/circles/")
    listing = client.get("/circles/")
    assert listing[HIT_HEADER] == "hit" and listing["X-Frame-Options"] == "DENY"


def test_purged_when_a_circle_changes(client, circle, facilitator, page_cache, django_capture_on_commit_callbacks):
    client.get(EMBED)
    with django_capture_on_commit_callbacks(execute=True):
        services.circle_update(circle=circle, by=facilitator, name="Renamed circle")
    again = client.get(EMBED)
    assert again[HIT_HEADER] == "miss" and "Renamed circle" in again.content.decode()


def test_query_count_does_not_grow_with_circles(client, organisation):
    def embed_queries(circles: int) -> int:
        course = make_course()
        for _ in range(circles):
            circle = make_circle(course=course)
            Circle.objects.filter(pk=circle.pk).update(organisation=organisation)
            join(circle)
        client.get(EMBED, {"org": "riverside"})
        with CaptureQueriesContext(connection) as queries:
            client.get(EMBED, {"org": "riverside"})
        return len(queries)

    assert embed_queries(1) == embed_queries(5)
