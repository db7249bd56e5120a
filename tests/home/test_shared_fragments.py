"""Parts of pages shared by everyone who sees them, signed in or not (p2pu.core.page_cache.shared_fragment):
served from the cache, purged with the pages that show the same data, never holding anything personal."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cohorts import services as circle_services
from cohorts.models import Meeting
from tests.cohorts.factories import join, make_circle, make_course
from tests.cohorts.ratings.setup import maintainer_of, rate
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]


@pytest.fixture
def world(home_page):
    course = make_course(modules=2, title="Mapping rivers", slug="mapping-rivers")
    return {"course": course, "circle": make_circle(course=course, name="River walkers")}


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def main_of(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        page(client, url)
    return len(queries)


def test_the_circles_list_is_rendered_once_for_everyone_signed_in(world):
    first, second = signed_in(UserFactory()), signed_in(UserFactory())
    cold = queries_for(first, "/circles/")
    warm = queries_for(second, "/circles/")
    assert warm < cold
    assert main_of(page(first, "/circles/")) == main_of(page(second, "/circles/"))
    assert "River walkers" in page(second, "/circles/")


def test_a_changed_circle_shows_at_once_to_signed_in_people(world, django_capture_on_commit_callbacks):
    client = signed_in(UserFactory())
    circle = world["circle"]
    assert "River walkers" in page(client, "/circles/")

    with django_capture_on_commit_callbacks(execute=True):
        circle_services.circle_update(circle=circle, by=circle.created_by, name="River runners")

    listing = page(client, "/circles/")
    assert "River runners" in listing and "River walkers" not in listing


def test_filters_and_pages_are_kept_apart(world):
    client = signed_in(UserFactory())
    assert "River walkers" in page(client, "/circles/")
    assert "River walkers" not in page(client, "/circles/?q=tea")


def test_a_published_course_shows_at_once_in_the_catalog_to_signed_in_people(world, django_capture_on_commit_callbacks):
    client = signed_in(UserFactory())
    assert "Brewing tea" not in page(client, "/courses/")

    with django_capture_on_commit_callbacks(execute=True):
        make_course(modules=1, title="Brewing tea", slug="brewing-tea")

    assert "Brewing tea" in page(client, "/courses/")
    assert "Mapping rivers" in page(client, "/courses/")


def test_the_course_page_keeps_each_viewers_review_links_to_themselves(world):
    course = world["course"]
    reviewer, other = UserFactory(), UserFactory()
    maintainer = maintainer_of(course)
    rate(course, [5, 4], review="Loved the river walks.", people=[reviewer, UserFactory()])
    pages = {}
    # Twice round, so each person's second view is served from what the others' views left in the cache.
    for _ in range(2):
        for person in (reviewer, other, maintainer):
            pages[person] = page(signed_in(person), course.url)
    assert pages[reviewer].count("Flag this review") == 1  # the other review only, never their own
    assert pages[other].count("Flag this review") == 2
    assert "Reply" not in pages[reviewer] and "Reply" not in pages[other]
    assert pages[maintainer].count(">Reply<") == 2
    outline = main_of(pages[reviewer]).split('id="reviews"')[0]
    assert outline == main_of(pages[other]).split('id="reviews"')[0]


def test_a_published_change_to_the_course_shows_at_once_to_signed_in_people(world, django_capture_on_commit_callbacks):
    client = signed_in(UserFactory())
    course = world["course"]
    assert "Mapping rivers" in page(client, course.url)

    course.title = "Mapping streams"
    with django_capture_on_commit_callbacks(execute=True):
        course.save_revision().publish()

    assert "Mapping streams" in page(client, course.url)


def test_a_new_circle_shows_at_once_on_the_home_page_to_signed_in_people(world, django_capture_on_commit_callbacks):
    client = signed_in(UserFactory())
    assert "Delta dwellers" not in page(client, "/")

    with django_capture_on_commit_callbacks(execute=True):
        make_circle(course=world["course"], name="Delta dwellers")

    assert "Delta dwellers" in page(client, "/")


def test_a_renamed_module_shows_at_once_in_its_siblings_pager(world, django_capture_on_commit_callbacks):
    client = signed_in(UserFactory())
    first, second = world["course"].get_children().live().specific().order_by("path")
    assert first.title in page(client, second.url)

    first.title = "Reading the riverbank"
    with django_capture_on_commit_callbacks(execute=True):
        first.save_revision().publish()

    assert "Reading the riverbank" in page(client, second.url)


def test_the_circle_page_keeps_each_members_answers_feedback_and_links_to_themselves(world):
    circle = world["circle"]
    rating_member = join(circle)
    rater, other = rating_member.user, join(circle).user
    held = circle.meetings.get(number=1)
    Meeting.objects.filter(pk=held.pk).update(starts_at=timezone.now() - dt.timedelta(hours=3))
    held.refresh_from_db()
    circle_services.feedback_submit(meeting=held, user=rater, rating=4)
    circle_services.rsvp_set(meeting=circle.meetings.get(number=2), membership=rating_member, answer="not_going")
    feed = circle_services.calendar_feed_get(user=rater)
    outsider = UserFactory()
    pages = {}
    # Twice round, so each person's second view is served from what the others' views left in the cache.
    for _ in range(2):
        for person in (rater, other, outsider):
            pages[person] = page(signed_in(person), f"/circles/{circle.pk}/")
    assert "you rated it 4 of 5" in pages[rater] and "Your answer: Not going." in pages[rater]
    assert feed.token in pages[rater]
    for person in (other, outsider):
        assert "you rated it" not in pages[person] and "Not going." not in pages[person]
        assert feed.token not in pages[person]
    assert "give feedback" in pages[other] and "You have not answered yet." in pages[other]
    assert "give feedback" not in pages[outsider] and "secret-room" not in pages[outsider]
    assert rater.get_display_name() not in pages[outsider]
    assert "my-feedback" not in pages[outsider] and "circle-page-part" not in pages[outsider]


def test_a_moved_meeting_a_taken_seat_and_an_edited_description_show_at_once_on_the_circle_page(
    world, django_capture_on_commit_callbacks
):
    circle = world["circle"]
    client, url = signed_in(UserFactory()), f"/circles/{circle.pk}/"
    first = page(client, url)
    assert "<strong>5</strong> of 5 seats left" in first and "(moved)" not in first

    meeting = circle.meetings.get(number=2)
    with django_capture_on_commit_callbacks(execute=True):
        circle_services.meeting_move(
            meeting=meeting, by=circle.created_by, starts_at=meeting.starts_at + dt.timedelta(hours=1)
        )
    assert "(moved)" in page(client, url)

    with django_capture_on_commit_callbacks(execute=True):
        join(circle)
    assert "<strong>4</strong> of 5 seats left" in page(client, url)

    with django_capture_on_commit_callbacks(execute=True):
        circle_services.circle_update(circle=circle, by=circle.created_by, description="Bring boots.")
    assert "Bring boots." in page(client, url)


def test_a_warm_circle_page_costs_a_member_only_their_own_reads(world):
    """The circle with its seats, meetings, pinned modules and members is read once for everyone."""
    circle = world["circle"]
    first, second = (signed_in(join(circle).user) for _ in range(2))
    url = f"/circles/{circle.pk}/"
    page(first, url)
    # The member, their membership, their unread notifications and their unread threads.
    assert queries_for(second, url) == 4


def test_a_new_member_shows_at_once_to_the_other_members(world, django_capture_on_commit_callbacks):
    circle = world["circle"]
    member = signed_in(join(circle).user)
    newcomer = UserFactory(display_name="Ada Lakeside")
    assert "Ada Lakeside" not in page(member, f"/circles/{circle.pk}/")

    with django_capture_on_commit_callbacks(execute=True):
        join(circle, newcomer)

    assert "Ada Lakeside" in page(member, f"/circles/{circle.pk}/")


def test_a_new_course_version_shows_at_once_to_the_circles_members(world, django_capture_on_commit_callbacks):
    circle, course = world["circle"], world["course"]
    member = signed_in(join(circle).user)
    first = page(member, f"/circles/{circle.pk}/")
    assert "A newer version of" not in first and "Mapping rivers" in first

    module = course.get_children().live().specific().order_by("path").first()
    module.title = "Reading the river's banks"
    with django_capture_on_commit_callbacks(execute=True):
        module.save_revision().publish()
    assert "A newer version of" in page(member, f"/circles/{circle.pk}/")

    course.title = "Mapping streams"
    with django_capture_on_commit_callbacks(execute=True):
        course.save_revision().publish()
    assert "Mapping streams" in page(member, f"/circles/{circle.pk}/")


def test_an_answer_and_a_message_show_at_once_to_the_other_members(world, django_capture_on_commit_callbacks):
    circle = world["circle"]
    # The facilitator sees who is coming; every member sees the messages.
    answering, facilitator, learner = join(circle), signed_in(circle.created_by), signed_in(join(circle).user)
    url = f"/circles/{circle.pk}/"
    assert "Field notes" not in page(learner, url)
    assert '<span class="rsvp-count" data-answer="going">0</span>' in page(facilitator, url)

    with django_capture_on_commit_callbacks(execute=True):
        circle_services.rsvp_set(meeting=circle.meetings.get(number=2), membership=answering, answer="going")
        circle_services.circle_message_send(circle=circle, sender=circle.created_by, subject="Field notes", body="Hi")

    assert "Field notes" in page(learner, url)
    assert '<span class="rsvp-count" data-answer="going">1</span>' in page(facilitator, url)


def test_a_members_rating_shows_at_once_to_them(world, django_capture_on_commit_callbacks):
    circle = world["circle"]
    rater = join(circle).user
    held = circle.meetings.get(number=1)
    Meeting.objects.filter(pk=held.pk).update(starts_at=timezone.now() - dt.timedelta(hours=3))
    held.refresh_from_db()
    client, url = signed_in(rater), f"/circles/{circle.pk}/"
    assert "give feedback" in page(client, url)

    with django_capture_on_commit_callbacks(execute=True):
        circle_services.feedback_submit(meeting=held, user=rater, rating=3)

    assert "you rated it 3 of 5" in page(client, url)
