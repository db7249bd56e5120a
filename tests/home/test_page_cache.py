"""The page cache for anonymous visitors: what it serves, what purges it (and nothing more), what it never keeps."""

import datetime as dt

import pytest
from django.test import Client

from cohorts import services as circle_services
from courses.models import CourseCredit
from courses.services import consent_terms, credit_accept
from p2pu.accounts.services import profile_update
from p2pu.core.page_cache import HIT_HEADER
from tests.cohorts.factories import join, make_circle, make_course
from tests.cohorts.organisations.setup import make_organisation
from tests.courses.factories import CourseCreditFactory
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]


@pytest.fixture
def world(home_page):
    """Two courses, each with a circle, everything published."""
    first = make_course(modules=2, title="Mapping rivers", slug="mapping-rivers")
    second = make_course(modules=1, title="Brewing tea", slug="brewing-tea")
    modules = list(first.get_children().live().specific().order_by("path"))
    return {
        "course": first,
        "modules": modules,
        "other_course": second,
        "circle": make_circle(course=first, name="River walkers"),
        "other_circle": make_circle(course=second, name="Tea lovers"),
    }


def cached_urls(world) -> list[str]:
    return [
        "/",
        "/courses/",
        world["course"].url,
        world["modules"][0].url,
        world["course"].remix_family_url,
        "/circles/",
        f"/circles/{world['circle'].pk}/",
        "/sitemap.xml",
        "/api/v2/pages/",
    ]


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response


def warm(client, *urls):
    """Fill the cache with these pages, and check that each is served from it afterwards."""
    for url in urls:
        get(client, url)
        assert get(client, url)[HIT_HEADER] == "hit", url


def test_every_cached_page_is_served_from_the_cache_with_headers_a_cdn_can_use(client, world):
    for url in cached_urls(world):
        first = get(client, url)
        assert first[HIT_HEADER] == "miss", url
        again = get(client, url)
        assert again[HIT_HEADER] == "hit", url
        assert again.content == first.content
        assert "public" in again["Cache-Control"] and "max-age=0" in again["Cache-Control"]
        assert {"Accept-Language", "Cookie"} <= {part.strip() for part in again["Vary"].split(",")}
        assert again["ETag"] == first["ETag"]
        assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_the_key_holds_the_language_the_time_zone_and_the_host(client, world):
    warm(client, "/circles/")
    assert client.get("/circles/", HTTP_ACCEPT_LANGUAGE="fr")[HIT_HEADER] == "miss"
    client.cookies["tz"] = "Asia/Tokyo"
    assert client.get("/circles/")[HIT_HEADER] == "miss"
    assert client.get("/circles/", HTTP_HOST="other.example.org")[HIT_HEADER] == "miss"


def test_nothing_personal_is_cached_for_anyone_else(client, world):
    person = UserFactory(username="zelda-signed-in", display_name="Zelda Quintero")
    anonymous = {url: get(client, url).content for url in cached_urls(world)}

    signed_in = Client()
    signed_in.force_login(person)
    for url in cached_urls(world):
        response = get(signed_in, url)
        # The reverse: a signed-in person never gets the anonymous copy.
        assert response.get(HIT_HEADER) is None, url
        assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"], url
    assert "Zelda" in get(signed_in, "/").content.decode()

    for url, content in anonymous.items():
        response = get(client, url)
        assert response[HIT_HEADER] == "hit", url
        assert response.content == content, url
        page = response.content.decode()
        assert "Zelda" not in page and "zelda-signed-in" not in page, url
        assert "csrfmiddlewaretoken" not in page and "Sign out" not in page, url


def test_a_signed_in_visit_first_does_not_fill_the_cache(client, world):
    signed_in = Client()
    signed_in.force_login(UserFactory(display_name="Zelda Quintero"))
    get(signed_in, "/circles/")
    assert get(client, "/circles/")[HIT_HEADER] == "miss"


def test_a_page_holding_a_csrf_token_is_not_cached(client, world):
    # The sign-in page has a form: its token is one visitor's.
    client.get("/accounts/login/")
    assert client.get("/accounts/login/").get(HIT_HEADER) is None


# --- Each event purges what shows it, and nothing else ------------------------------------------------


def test_publishing_a_course_purges_its_pages_the_catalog_and_home_only(
    client, world, django_capture_on_commit_callbacks
):
    course, other = world["course"], world["other_course"]
    circle_url, other_circle_url = f"/circles/{world['circle'].pk}/", f"/circles/{world['other_circle'].pk}/"
    warm(client, course.url, world["modules"][0].url, "/courses/", "/", circle_url, other.url, other_circle_url)

    course.title = "Mapping rivers and lakes"
    with django_capture_on_commit_callbacks(execute=True):
        course.save_revision().publish()

    # The circle following the course shows its title.
    for url in (course.url, world["modules"][0].url, "/courses/", "/", circle_url):
        response = get(client, url)
        assert response[HIT_HEADER] == "miss", url
        assert "Mapping rivers and lakes" in response.content.decode(), url
    assert get(client, other.url)[HIT_HEADER] == "hit"
    assert get(client, other_circle_url)[HIT_HEADER] == "hit"


def test_unpublishing_a_module_purges_its_course_and_siblings_only(client, world, django_capture_on_commit_callbacks):
    first, second = world["modules"]
    warm(client, world["course"].url, first.url, world["other_course"].url, "/courses/")

    with django_capture_on_commit_callbacks(execute=True):
        second.unpublish()

    assert second.title not in get(client, world["course"].url).content.decode()
    assert second.url not in get(client, first.url).content.decode()  # no “next module” any more
    assert get(client, world["other_course"].url)[HIT_HEADER] == "hit"
    assert get(client, "/courses/")[HIT_HEADER] == "hit"


def test_publishing_a_module_purges_the_circles_following_its_course_only(
    client, world, django_capture_on_commit_callbacks
):
    """Their members see that the course has a newer version than the one their circle follows."""
    circle_url, other_circle_url = f"/circles/{world['circle'].pk}/", f"/circles/{world['other_circle'].pk}/"
    warm(client, circle_url, other_circle_url)

    with django_capture_on_commit_callbacks(execute=True):
        world["modules"][1].save_revision().publish()

    assert get(client, circle_url)[HIT_HEADER] == "miss"
    assert get(client, other_circle_url)[HIT_HEADER] == "hit"


def test_an_answer_to_a_meeting_and_a_message_to_members_leave_the_public_page_cached(
    client, world, django_capture_on_commit_callbacks
):
    """Only members see them."""
    circle = world["circle"]
    membership, url = join(circle), f"/circles/{circle.pk}/"
    warm(client, url)

    with django_capture_on_commit_callbacks(execute=True):
        circle_services.rsvp_set(meeting=circle.meetings.get(number=2), membership=membership, answer="going")
        circle_services.circle_message_send(circle=circle, sender=circle.created_by, subject="Field notes", body="Hi")

    assert get(client, url)[HIT_HEADER] == "hit"


def test_moving_a_module_purges_both_courses(client, world, django_capture_on_commit_callbacks):
    moved = world["modules"][1]
    course, other = world["course"], world["other_course"]
    third = make_course(modules=1, title="Knitting", slug="knitting")
    warm(client, course.url, other.url, third.url)

    with django_capture_on_commit_callbacks(execute=True):
        moved.move(other, pos="last-child")

    assert moved.title not in get(client, course.url).content.decode()
    assert moved.title in get(client, other.url).content.decode()
    assert get(client, third.url)[HIT_HEADER] == "hit"


def test_deleting_a_course_purges_the_catalog_and_its_pages(client, world, django_capture_on_commit_callbacks):
    # A course that no circle follows (circles keep their course).
    other = make_course(modules=1, title="Knitting", slug="knitting")
    warm(client, "/courses/", other.url, world["course"].url)

    with django_capture_on_commit_callbacks(execute=True):
        other.delete()

    assert "Knitting" not in get(client, "/courses/").content.decode()
    assert client.get(other.url).status_code == 404
    assert get(client, world["course"].url)[HIT_HEADER] == "hit"


def test_an_accepted_credit_shows_at_once(client, world, django_capture_on_commit_callbacks):
    course = world["course"]
    person = UserFactory(display_name="Octavia Credited")
    credit = CourseCreditFactory(course=course, person=person, accepted_at=None, accepted_licence="")
    warm(client, course.url, world["other_course"].url)
    assert "Octavia" not in get(client, course.url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        credit_accept(credit=CourseCredit.objects.get(pk=credit.pk), licences_shown=consent_terms(course))

    assert "Octavia" in get(client, course.url).content.decode()
    assert get(client, world["other_course"].url)[HIT_HEADER] == "hit"


def test_a_new_circle_shows_in_the_lists_and_on_its_course_only(client, world, django_capture_on_commit_callbacks):
    course, other = world["course"], world["other_course"]
    circle_url = f"/circles/{world['circle'].pk}/"
    warm(client, "/circles/", "/", course.url, other.url, circle_url)

    with django_capture_on_commit_callbacks(execute=True):
        make_circle(course=course, name="Delta dwellers")

    for url in ("/circles/", course.url):
        assert "Delta dwellers" in get(client, url).content.decode(), url
    assert get(client, other.url)[HIT_HEADER] == "hit"
    assert get(client, circle_url)[HIT_HEADER] == "hit"


def test_a_changed_circle_purges_its_page_and_the_lists_only(client, world, django_capture_on_commit_callbacks):
    circle, other = world["circle"], world["other_circle"]
    warm(client, f"/circles/{circle.pk}/", f"/circles/{other.pk}/", "/circles/", world["other_course"].url)

    with django_capture_on_commit_callbacks(execute=True):
        circle_services.circle_update(circle=circle, by=circle.created_by, name="River runners")

    assert "River runners" in get(client, f"/circles/{circle.pk}/").content.decode()
    assert "River runners" in get(client, "/circles/").content.decode()
    assert get(client, f"/circles/{other.pk}/")[HIT_HEADER] == "hit"
    assert get(client, world["other_course"].url)[HIT_HEADER] == "hit"


def test_a_cancelled_circle_leaves_the_lists(client, world, django_capture_on_commit_callbacks):
    circle, other = world["circle"], world["other_circle"]
    warm(client, "/circles/", f"/circles/{circle.pk}/", f"/circles/{other.pk}/")

    with django_capture_on_commit_callbacks(execute=True):
        circle_services.circle_cancel(circle=circle, by=circle.created_by)

    assert "River walkers" not in get(client, "/circles/").content.decode()
    assert get(client, f"/circles/{circle.pk}/")[HIT_HEADER] == "miss"
    assert get(client, f"/circles/{other.pk}/")[HIT_HEADER] == "hit"


@pytest.mark.parametrize("event", ["seat taken", "seat freed"])
def test_a_seat_taken_or_freed_purges_the_circle(client, world, django_capture_on_commit_callbacks, event):
    circle, other = world["circle"], world["other_circle"]
    learner = UserFactory()
    if event == "seat freed":
        join(circle, learner)
    warm(client, f"/circles/{circle.pk}/", f"/circles/{other.pk}/")
    before = get(client, f"/circles/{circle.pk}/").content

    with django_capture_on_commit_callbacks(execute=True):
        if event == "seat taken":
            join(circle, learner)
        else:
            circle_services.membership_leave(circle=circle, user=learner)

    after = get(client, f"/circles/{circle.pk}/")
    assert after[HIT_HEADER] == "miss"
    assert after.content != before
    assert get(client, f"/circles/{other.pk}/")[HIT_HEADER] == "hit"


def test_a_moved_meeting_purges_the_circle(client, world, django_capture_on_commit_callbacks):
    circle, other = world["circle"], world["other_circle"]
    meeting = circle.meetings.order_by("starts_at").first()
    warm(client, f"/circles/{circle.pk}/", f"/circles/{other.pk}/")
    before = get(client, f"/circles/{circle.pk}/").content

    with django_capture_on_commit_callbacks(execute=True):
        circle_services.meeting_move(
            meeting=meeting, by=circle.created_by, starts_at=meeting.starts_at + dt.timedelta(days=1, hours=2)
        )

    after = get(client, f"/circles/{circle.pk}/")
    assert after[HIT_HEADER] == "miss"
    assert after.content != before
    assert get(client, f"/circles/{other.pk}/")[HIT_HEADER] == "hit"


def test_a_purge_waits_for_the_commit(client, world, django_capture_on_commit_callbacks):
    circle = world["circle"]
    warm(client, f"/circles/{circle.pk}/")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        circle_services.circle_update(circle=circle, by=circle.created_by, name="River runners")
        assert get(client, f"/circles/{circle.pk}/")[HIT_HEADER] == "hit"
    assert callbacks


def test_a_changed_display_name_shows_on_every_page_naming_the_person(
    client, world, django_capture_on_commit_callbacks
):
    person = UserFactory(display_name="Octavia Oldname")
    CourseCreditFactory(course=world["course"], person=person)
    org = make_organisation(organiser=person, name="Riverside Library")
    circle = make_circle(course=world["course"], facilitator=person, name="Octavia's walkers", organisation=org)
    naming = [world["course"].url, f"/circles/{circle.pk}/", "/circles/", "/api/v2/circles/", f"/orgs/{org.slug}/"]
    others = [world["other_course"].url, f"/circles/{world['other_circle'].pk}/"]
    warm(client, *naming, *others)
    for url in naming:
        assert "Octavia Oldname" in get(client, url).content.decode(), url

    with django_capture_on_commit_callbacks(execute=True):
        profile_update(user=person, display_name="Octavia Newname")

    for url in naming:
        page = get(client, url).content.decode()
        assert "Octavia Newname" in page and "Octavia Oldname" not in page, url
    for url in others:
        assert get(client, url)[HIT_HEADER] == "hit", url


def test_a_name_nobody_is_shown_changes_nothing_cached(client, world, django_capture_on_commit_callbacks):
    person = UserFactory(display_name="Octavia Oldname")
    urls = [world["course"].url, f"/circles/{world['circle'].pk}/", "/circles/", "/api/v2/circles/"]
    warm(client, *urls)

    with django_capture_on_commit_callbacks(execute=True):
        profile_update(user=person, display_name="Octavia Newname")

    for url in urls:
        assert get(client, url)[HIT_HEADER] == "hit", url
