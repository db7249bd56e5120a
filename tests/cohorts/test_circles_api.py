"""The public circles API, /api/v2/circles/: what it lists, every filter, pagination, its privacy promise,
its query count, and its place in the page cache."""

import datetime as dt
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cohorts import services
from cohorts.models import Circle, CircleState, Organisation
from p2pu.core.links import absolute_url
from p2pu.core.page_cache import HIT_HEADER
from tests.cohorts.factories import join, make_circle, make_course
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

API = "/api/v2/circles/"


def listing(client, **query):
    response = client.get(API, query)
    assert response.status_code == 200, response.content
    return response.json()


def names(client, **query) -> list[str]:
    return [item["name"] for item in listing(client, **query)["items"]]


@pytest.fixture
def organisation(db):
    return Organisation.objects.create(name="Riverside Library", slug="riverside", city="Lagos")


def of(organisation, circle):
    Circle.objects.filter(pk=circle.pk).update(organisation=organisation)
    return circle


def test_the_api_answers_at_the_wagtail_api_prefix(circle):
    assert reverse("circles_api") == API


def test_a_circle_as_published(client, course, facilitator, organisation):
    circle = of(
        organisation,
        make_circle(
            course=course,
            facilitator=facilitator,
            name="Riverside evenings",
            time_zone="America/New_York",
            venue_kind="in_person",
            venue_name="Riverside Library",
            city="Brooklyn",
            country="USA",
            meeting_url="",
        ),
    )
    join(circle)
    [item] = listing(client)["items"]
    first = circle.meetings.order_by("starts_at").first().starts_at
    local = first.astimezone(circle.zone)
    assert item == {
        "id": circle.pk,
        "name": "Riverside evenings",
        "url": absolute_url(circle.get_absolute_url()),
        "course": {"title": course.title, "url": item["course"]["url"]},
        "language": "en",
        "city": "Brooklyn",
        "country": "USA",
        "venue_kind": "in_person",
        "organisation": {
            "name": "Riverside Library",
            "slug": "riverside",
            "url": item["organisation"]["url"],
        },
        "schedule": circle.schedule_summary,
        "next_meeting": {"utc": first.isoformat(), "local": local.isoformat(), "time_zone": "America/New_York"},
        "seats_left": 4,
        "status": "open",
        "facilitators": [facilitator.display_name],
    }
    assert item["course"]["url"].endswith(course.url)
    assert item["organisation"]["url"].endswith("/orgs/riverside/")
    # ISO 8601 with the offset of the circle's zone on that day.
    assert re.search(r"[+-]0[45]:00$", item["next_meeting"]["local"])


def test_a_circle_without_an_organisation_says_null(client, circle):
    assert listing(client)["items"][0]["organisation"] is None


def test_unlisted_draft_and_cancelled_circles_are_absent(client, course, facilitator):
    make_circle(course=course, name="Listed")
    make_circle(course=course, name="Unlisted", listed=False)
    make_circle(course=course, name="Draft", publish=False)
    cancelled = make_circle(course=course, facilitator=facilitator, name="Cancelled")
    services.circle_cancel(circle=cancelled, by=facilitator)
    assert names(client) == ["Listed"]
    for status in ("open", "running", "finished"):
        assert "Unlisted" not in names(client, status=status)


def test_finished_circles_only_when_asked(client, course):
    make_circle(course=course, name="Open")
    running = make_circle(course=course, name="Running")
    finished = make_circle(course=course, name="Finished")
    Circle.objects.filter(pk=running.pk).update(state=CircleState.RUNNING)
    Circle.objects.filter(pk=finished.pk).update(state=CircleState.FINISHED)
    assert sorted(names(client)) == ["Open", "Running"]
    assert names(client, status="open") == ["Open"]
    assert names(client, status="running") == ["Running"]
    assert names(client, status="finished") == ["Finished"]


def test_filter_by_course(client, course):
    other = make_course(title="Another course")
    make_circle(course=course, name="First")
    make_circle(course=other, name="Second")
    assert names(client, course=other.pk) == ["Second"]


def test_filter_by_language(client, course):
    make_circle(course=course, name="English")
    make_circle(course=course, name="Spanish", language="es")
    assert names(client, language="es") == ["Spanish"]


def test_filter_by_city_ignores_case(client, course):
    in_person = {"venue_kind": "in_person", "venue_name": "Library", "country": "Kenya"}
    make_circle(course=course, name="Nairobi", city="Nairobi", **in_person)
    make_circle(course=course, name="Mombasa", city="Mombasa", **in_person)
    assert names(client, city="nairobi") == ["Nairobi"]


def test_filter_by_organisation_slug(client, course, organisation):
    of(organisation, make_circle(course=course, name="Theirs"))
    make_circle(course=course, name="Independent")
    assert names(client, organisation="riverside") == ["Theirs"]
    assert names(client, organisation="nobody") == []


def test_filter_by_venue_kind(client, course):
    make_circle(course=course, name="Online")
    make_circle(
        course=course, name="In person", venue_kind="in_person", venue_name="Hall", city="Accra", country="Ghana"
    )
    assert names(client, venue_kind="in_person") == ["In person"]
    assert names(client, venue_kind="online") == ["Online"]


def test_filter_by_seats(client, course):
    full = make_circle(course=course, name="Full", capacity=1)
    join(full)
    make_circle(course=course, name="Room")
    assert names(client, has_seats="true") == ["Room"]
    assert names(client, has_seats="false") == ["Full"]


def test_a_query_it_does_not_understand_is_a_400_with_a_message(client, circle):
    for query in ({"colour": "red"}, {"status": "draft"}, {"language": "xx"}, {"has_seats": "maybe"}, {"limit": "-1"}):
        response = client.get(API, query)
        assert response.status_code == 400 and response.json()["message"], query


def test_pagination_like_wagtails(client, course, settings):
    for number in range(5):
        make_circle(course=course, name=f"Circle {number}")
    everything = names(client)
    page = listing(client, limit=2, offset=2)
    assert page["meta"]["total_count"] == 5
    assert [item["name"] for item in page["items"]] == everything[2:4]
    assert client.get(API, {"limit": settings.WAGTAILAPI_LIMIT_MAX + 1}).status_code == 400


def test_soonest_next_meeting_first(client, course):
    later = make_circle(course=course, name="Later")
    make_circle(course=course, name="Sooner")
    later.meetings.update(starts_at=later.meetings.order_by("starts_at").first().starts_at + dt.timedelta(days=3))
    assert names(client) == ["Sooner", "Later"]


def test_no_e_mail_address_or_username_of_anyone_in_the_circle(client, course):
    facilitator = UserFactory(username="quiet_facilitator_handle", display_name="Ama Mensah")
    nameless = UserFactory(username="nameless_cofacilitator", display_name="", first_name="Kofi", last_name="Boateng")
    circle = make_circle(course=course, facilitator=facilitator)
    services.facilitator_add(membership=join(circle, nameless), by=facilitator)
    learners = [join(circle).user for _ in range(3)]
    body = client.get(API).content.decode()
    people = [facilitator, nameless, *learners]
    for person in people:
        assert person.email not in body and person.username not in body
    for learner in learners:
        assert learner.display_name not in body
    # Only display names: no full name stands in for a missing one, nor does the meeting link appear.
    assert "Kofi" not in body and "Boateng" not in body and "meet.example.org" not in body
    assert re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", body) is None
    assert json.loads(body)["items"][0]["facilitators"] == ["Ama Mensah", "A facilitator"]


def test_query_count_does_not_grow_with_circles_or_facilitators(client, organisation):
    def api_queries(circles: int) -> int:
        course = make_course()
        for _ in range(circles):
            circle = of(organisation, make_circle(course=course))
            services.facilitator_add(membership=join(circle), by=circle.created_by)
        client.get(API)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(API, {"limit": 100}).status_code == 200
        return len(queries)

    assert api_queries(1) == api_queries(6)


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE_ENABLED = True


def test_cached_for_anonymous_visitors_and_purged_when_a_circle_changes(
    client, circle, facilitator, page_cache, django_capture_on_commit_callbacks
):
    first = client.get(API)
    assert first[HIT_HEADER] == "miss"
    assert first["Cache-Control"] == "public, max-age=0, must-revalidate"
    assert client.get(API)[HIT_HEADER] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        services.circle_update(circle=circle, by=facilitator, name="Renamed circle")
    again = client.get(API)
    assert again[HIT_HEADER] == "miss" and "Renamed circle" in again.content.decode()


def test_a_seat_taken_and_an_organisation_renamed_purge_it(
    client, course, organisation, page_cache, django_capture_on_commit_callbacks
):
    circle = of(organisation, make_circle(course=course))
    client.get(API)
    with django_capture_on_commit_callbacks(execute=True):
        join(circle)
    assert client.get(API).json()["items"][0]["seats_left"] == 4
    assert client.get(API)[HIT_HEADER] == "hit"
    organisation.name = "Riverside Public Library"
    with django_capture_on_commit_callbacks(execute=True):
        organisation.save()
    renamed = client.get(API)
    assert renamed[HIT_HEADER] == "miss" and "Riverside Public Library" in renamed.content.decode()


def test_signed_in_people_get_a_private_answer(client, circle, user, page_cache):
    client.force_login(user)
    response = client.get(API)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert HIT_HEADER not in response


def test_it_is_read_only(client, circle):
    assert client.post(API).status_code == 405
