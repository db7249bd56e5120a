"""Atom feeds of new and updated courses, by topic or language; drafts and private courses never appear."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from lxml import etree
from wagtail.models import PageViewRestriction

from tests.courses.factories import CourseCreditFactory, CoursePageFactory
from tests.courses.remix_setup import publish

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def entries(client, kind="new", **query) -> list[str]:
    response = client.get(f"/courses/feeds/{kind}.atom", query)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    feed = etree.fromstring(response.content)
    return [entry.findtext(f"{ATOM}title") for entry in feed.iter(f"{ATOM}entry")]


def test_new_and_updated_courses_in_order_narrowed_by_topic_or_language(site_tree, client):
    start = dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        maps = CoursePageFactory(title="Maps", topics=["Geography"])
    with time_machine.travel(start + dt.timedelta(days=1), tick=False):
        CoursePageFactory(title="Poesía", language="es")
    with time_machine.travel(start + dt.timedelta(days=2), tick=False):
        CoursePageFactory(title="Draft", publish=False)
        private = CoursePageFactory(title="Private")
        PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    with time_machine.travel(start + dt.timedelta(days=3), tick=False):
        publish(maps, title="Maps, revised")
    CourseCreditFactory(course=maps)

    assert entries(client, "new") == ["Poesía", "Maps, revised"]
    assert entries(client, "updated") == ["Maps, revised", "Poesía"]
    assert entries(client, "new", topic="geography") == ["Maps, revised"]
    assert entries(client, "new", language="es") == ["Poesía"]
    feed = etree.fromstring(client.get("/courses/feeds/updated.atom").content)
    first = feed.find(f"{ATOM}entry")
    assert first.find(f"{ATOM}link").get("href") == f"http://testserver{maps.url}"
    assert first.find(f"{ATOM}category").get("term") == "Geography"
    assert first.findtext(f"{ATOM}author/{ATOM}name") == maps.credits.get().name
    assert client.get("/courses/feeds/old.atom").status_code == 404
    assert client.get("/courses/feeds/new.atom", {"language": "xx"}).status_code == 404


def test_a_feed_takes_the_same_number_of_queries_for_any_number_of_courses(site_tree, client):
    def queries(count: int) -> int:
        for _ in range(count):
            CourseCreditFactory(course=CoursePageFactory(topics=["Maps"]))
        client.get("/courses/feeds/new.atom")
        with CaptureQueriesContext(connection) as captured:
            client.get("/courses/feeds/new.atom")
        return len(captured)

    assert queries(2) == queries(6)
