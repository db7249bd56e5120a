"""/circles/: filters, search and pagination, in the viewer's time zone, in a constant number of queries."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cohorts import services
from tests.cohorts.factories import join, make_circle, make_course
from tests.courses.factories import CoursePageFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def names(response) -> set[str]:
    return set(re.findall(r'<h3><a href="/circles/\d+/"><bdi>([^<]+)</bdi></a></h3>', response.content.decode()))


@pytest.fixture
def circles(site_tree):
    """Four listed circles in 2030, plus circles discovery must never show."""
    gardening = make_course(modules=1, title="Urban gardening", slug="urban-gardening")
    gardening.topics.add("gardening")
    gardening.save_revision().publish()
    python = make_course(modules=1, title="Python basics", slug="python-basics", language="es")
    python.topics.add("programming")
    python.save_revision().publish()
    specs = {
        # Tuesdays 18:00 in New York (EDT from 10 March): Wednesday morning in Tokyo.
        "New York evenings": {
            "course": gardening,
            "time_zone": "America/New_York",
            "start_date": dt.date(2030, 3, 12),
            "weekday": 1,
        },
        # Thursdays 19:00 in Berlin: Friday 03:00 in Tokyo (night).
        "Berlin allotment": {
            "course": gardening,
            "time_zone": "Europe/Berlin",
            "start_date": dt.date(2030, 3, 21),
            "weekday": 3,
            "meeting_time": dt.time(19),
            "venue_kind": "in_person",
            "venue_name": "Stadtbibliothek",
            "city": "Berlin",
            "country": "Germany",
            "meeting_url": "",
        },
        "Python en español": {
            "course": python,
            "language": "es",
            "time_zone": "America/Mexico_City",
            "start_date": dt.date(2030, 3, 12),
            "weekday": 1,
        },
        "Full circle": {"course": python, "capacity": 1, "start_date": dt.date(2030, 3, 14), "weekday": 3},
    }
    made = {name: make_circle(name=name, **spec) for name, spec in specs.items()}
    join(made["Full circle"])
    make_circle(course=python, name="Unlisted circle", listed=False)
    make_circle(course=python, name="Draft circle", publish=False)
    cancelled = make_circle(course=python, name="Cancelled circle")
    services.circle_cancel(circle=cancelled, by=cancelled.memberships.get().user)
    return made


def test_lists_listed_circles_open_or_running_only(client, circles):
    assert names(client.get(reverse("cohorts:list"))) == set(circles)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=allotment", {"Berlin allotment"}),
        ("q=gardening", {"New York evenings", "Berlin allotment"}),  # the course title
        ("language=es", {"Python en español"}),
        ("venue=in_person", {"Berlin allotment"}),
        ("venue=online", {"New York evenings", "Python en español", "Full circle"}),
        ("city=Berlin", {"Berlin allotment"}),
        ("topic=programming", {"Python en español", "Full circle"}),
        ("has_seats=on", {"New York evenings", "Berlin allotment", "Python en español"}),
        ("q=python&has_seats=on", {"Python en español"}),
    ],
)
def test_filters_and_search(client, circles, query, expected):
    assert names(client.get(f"{reverse('cohorts:list')}?{query}")) == expected


def test_filter_by_course(client, circles):
    course = circles["Berlin allotment"].course
    assert names(client.get(f"{reverse('cohorts:list')}?course={course.pk}")) == {
        "New York evenings",
        "Berlin allotment",
    }


@pytest.mark.parametrize(
    ("zone", "query", "expected"),
    [
        # New York's Tuesday 18:00 is Wednesday 07:00 in Tokyo; Berlin's Thursday 19:00 is Friday 03:00.
        ("Asia/Tokyo", "weekday=2&time_of_day=morning", {"New York evenings"}),
        ("Asia/Tokyo", "weekday=4&time_of_day=night", {"Berlin allotment"}),
        ("Asia/Tokyo", "weekday=1", set()),
        # Seen from New York, the same circle is on Tuesday evening.
        ("America/New_York", "weekday=1&time_of_day=evening", {"New York evenings"}),
        ("Europe/Berlin", "weekday=3&time_of_day=evening", {"Berlin allotment"}),
    ],
)
def test_weekday_and_time_of_day_are_the_viewers(client, circles, zone, query, expected):
    client.force_login(UserFactory(time_zone=zone))
    found = names(client.get(f"{reverse('cohorts:list')}?{query}"))
    assert found & {"New York evenings", "Berlin allotment"} == expected


def test_anonymous_visitors_filter_in_their_browsers_zone(client, circles):
    client.cookies["tz"] = "Asia/Tokyo"
    found = names(client.get(f"{reverse('cohorts:list')}?weekday=2&time_of_day=morning"))
    assert found & {"New York evenings", "Berlin allotment"} == {"New York evenings"}


def test_a_bad_filter_value_is_reported_not_fatal(client, circles):
    response = client.get(f"{reverse('cohorts:list')}?weekday=9")
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_pagination(client, site_tree):
    course = make_course(modules=1)
    facilitator = UserFactory()
    for number in range(14):
        make_circle(course=course, facilitator=facilitator, name=f"Circle {number:02d}")
    first = client.get(reverse("cohorts:list"))
    second = client.get(f"{reverse('cohorts:list')}?page=2")
    assert len(names(first)) == 12 and len(names(second)) == 2
    assert not names(first) & names(second)
    assert 'rel="next"' in first.content.decode()


def _queries(client, url) -> int:
    client.get(url)  # warm up: the first request after signing in loads the session and site settings
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def _grow(course, *, circles: int, members: int):
    for number in range(circles):
        circle = make_circle(course=course, facilitator=UserFactory(), name=f"Grown {number}", capacity=members + 1)
        for _ in range(members):
            join(circle)


def test_the_circle_list_takes_a_constant_number_of_queries(client, site_tree):
    course = make_course(modules=2)
    course.topics.add("growth")
    course.save_revision().publish()
    viewer = UserFactory(time_zone="Asia/Tokyo")
    client.force_login(viewer)
    url = f"{reverse('cohorts:list')}?weekday=2&time_of_day=morning&has_seats=on&q=Grown"
    _grow(course, circles=1, members=1)
    small = (_queries(client, reverse("cohorts:list")), _queries(client, url))
    _grow(CoursePageFactory(), circles=0, members=0)
    _grow(course, circles=8, members=4)
    large = (_queries(client, reverse("cohorts:list")), _queries(client, url))
    assert small == large, f"{small} queries with 1 circle, {large} with 9"


def test_the_circle_page_takes_a_constant_number_of_queries(client, site_tree):
    course = make_course(modules=2)
    facilitator = UserFactory()
    small_circle = make_circle(course=course, facilitator=facilitator, capacity=20, weeks=2)
    member = join(small_circle)
    large_circle = make_circle(course=make_course(modules=8), facilitator=facilitator, capacity=20, weeks=12)
    for _ in range(15):
        join(large_circle)
    services.facilitator_add(membership=join(large_circle), by=facilitator)
    for circle in (small_circle, large_circle):
        services.circle_message_send(circle=circle, sender=facilitator, subject="Hello", body="Welcome")
    large_member = join(large_circle)
    for viewer, small_url, large_url in [
        (None, small_circle.get_absolute_url(), large_circle.get_absolute_url()),
        (member.user, small_circle.get_absolute_url(), None),
        (facilitator, small_circle.get_absolute_url(), large_circle.get_absolute_url()),
    ]:
        client.logout()
        if viewer:
            client.force_login(viewer)
        small = _queries(client, small_url)
        if large_url is None:
            client.force_login(large_member.user)
            large_url = large_circle.get_absolute_url()
        assert small == _queries(client, large_url), viewer
