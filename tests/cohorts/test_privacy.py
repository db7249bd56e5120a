"""Who sees what: the member list, the meeting link, feedback, modules and unlisted circles.

Every rule is checked from the side that must be refused: an anonymous visitor, a signed-in person
who is not in the circle, a member of another circle, and people waiting or asking to join.
"""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from cohorts import services
from cohorts.models import Circle, Meeting
from tests.cohorts.factories import join, make_circle
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MEETING_URL = "https://meet.example.org/secret-room"


@pytest.fixture
def private_circle(course, facilitator):
    """A full circle of one seat with a member who gave feedback, and someone on the waitlist."""
    circle = make_circle(course=course, facilitator=facilitator, capacity=1, meeting_url=MEETING_URL)
    member = join(circle, UserFactory(display_name="Visible Only To Members"))
    waiting = join(circle)
    meeting = circle.meetings.get(number=1)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - dt.timedelta(hours=3))
    meeting.refresh_from_db()
    services.feedback_submit(meeting=meeting, user=member.user, rating=2, reflection="A private reflection")
    return circle, member, waiting, meeting


def outsiders(course):
    """The wrong side: (label, user or None for anonymous)."""
    other_member = join(make_circle(course=course, facilitator=UserFactory()))
    return [("anonymous", None), ("non-member", UserFactory()), ("member of another circle", other_member.user)]


def as_user(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


def test_members_see_the_member_list_meeting_link_and_their_feedback(client, private_circle):
    circle, member, _, meeting = private_circle
    as_user(client, member.user)
    page = client.get(circle.get_absolute_url()).content.decode()
    assert MEETING_URL in page
    assert "Visible Only To Members" in page
    assert "you rated it 2 of 5" in page
    meeting_page = client.get(meeting.get_absolute_url()).content.decode()
    assert MEETING_URL in meeting_page


def test_the_wrong_side_sees_no_members_no_meeting_link_no_feedback(client, course, private_circle):
    circle, _, waiting, meeting = private_circle
    for label, user in [*outsiders(course), ("waitlisted", waiting.user)]:
        as_user(client, user)
        for url in (circle.get_absolute_url(), meeting.get_absolute_url()):
            response = client.get(url)
            assert response.status_code == 200, label
            page = response.content.decode()
            assert MEETING_URL not in page, (label, url)
            assert "Visible Only To Members" not in page, (label, url)
            assert "A private reflection" not in page, (label, url)
            assert "rated it" not in page, (label, url)
        calendar = client.get(reverse("cohorts:calendar", args=[circle.pk])).content.decode()
        assert MEETING_URL not in calendar, label


def test_only_facilitators_read_everyones_feedback(client, course, facilitator, private_circle):
    circle, member, _, meeting = private_circle
    other = join(circle)  # the one seat is taken: on the waitlist
    as_user(client, facilitator)
    assert "A private reflection" in client.get(meeting.get_absolute_url()).content.decode()
    co_learner_view = as_user(client, other.user).get(meeting.get_absolute_url()).content.decode()
    assert "A private reflection" not in co_learner_view
    # A second active member sees only their own feedback form, not the first member's reflection.
    services.circle_update(circle=circle, by=facilitator, capacity=3)
    services.waitlist_promote(circle=circle)
    second = as_user(client, other.user).get(meeting.get_absolute_url()).content.decode()
    assert "Your feedback" in second
    assert "A private reflection" not in second


def test_pinned_modules_are_for_members_only(client, course, private_circle):
    circle, member, waiting, _ = private_circle
    pin = circle.pinned_modules.order_by("position").first()
    url = pin.get_absolute_url()
    assert as_user(client, member.user).get(url).status_code == 200
    for label, user in [*outsiders(course), ("waitlisted", waiting.user)]:
        response = as_user(client, user).get(url)
        assert response.status_code == 403, label


def test_unlisted_circles_are_found_only_by_their_link(client, course, facilitator):
    circle = make_circle(course=course, facilitator=facilitator, listed=False, name="Hidden circle")
    for label, user in outsiders(course):
        as_user(client, user)
        assert client.get(circle.get_absolute_url()).status_code == 404, label
        assert client.get(reverse("cohorts:calendar", args=[circle.pk])).status_code == 404, label
        assert "Hidden circle" not in client.get(reverse("cohorts:list")).content.decode(), label
        assert "Hidden circle" not in client.get(circle.course.url).content.decode(), label
        wrong_key = client.get(f"{circle.get_absolute_url()}?key=not-the-key")
        assert wrong_key.status_code == 404, label
        assert client.get(circle.get_share_url()).status_code == 200, label
        assert client.get(f"{reverse('cohorts:calendar', args=[circle.pk])}?key={circle.access_key}").status_code == 200


def test_a_join_through_an_unlisted_link_keeps_the_circle_visible(client, course, facilitator):
    circle = make_circle(course=course, facilitator=facilitator, listed=False)
    person = UserFactory()
    as_user(client, person)
    response = client.post(reverse("cohorts:join", args=[circle.pk]), {"key": circle.access_key})
    assert response.status_code == 302
    assert client.get(circle.get_absolute_url()).status_code == 200  # now as a member, no key needed
    without_key = as_user(client, UserFactory()).post(reverse("cohorts:join", args=[circle.pk]))
    assert without_key.status_code == 404


def test_drafts_are_seen_by_their_facilitators_only(client, course, facilitator):
    draft = make_circle(course=course, facilitator=facilitator, publish=False)
    assert as_user(client, facilitator).get(draft.get_absolute_url()).status_code == 200
    for label, user in outsiders(course):
        assert as_user(client, user).get(draft.get_absolute_url()).status_code == 404, label
        assert as_user(client, user).get(draft.get_share_url()).status_code == 404, label


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("manage", "get"),
        ("edit", "get"),
        ("message", "get"),
        ("cancel", "get"),
        ("publish", "post"),
        ("course_version_update", "post"),
        ("invite_link_create", "post"),
        ("invite_person", "post"),
    ],
)
def test_running_a_circle_is_for_its_facilitators(client, course, facilitator, name, method):
    circle = make_circle(course=course, facilitator=facilitator)
    member = join(circle)
    url = reverse(f"cohorts:{name}", args=[circle.pk])
    for label, user in [*outsiders(course), ("member", member.user)]:
        response = getattr(as_user(client, user), method)(url)
        if user is None:
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], label
        else:
            assert response.status_code == 403, label
    assert as_user(client, facilitator).get(reverse("cohorts:manage", args=[circle.pk])).status_code == 200


def test_members_cannot_act_on_each_other_or_on_meetings(client, course, facilitator):
    circle = make_circle(course=course, facilitator=facilitator)
    first, second = join(circle), join(circle)
    meeting = circle.meetings.get(number=1)
    as_user(client, first.user)
    for action in ("approve", "decline", "remove", "make_facilitator", "hand_over"):
        url = reverse("cohorts:membership_action", args=[circle.pk, second.pk, action])
        assert client.post(url).status_code == 403, action
    for name in ("meeting_move", "meeting_cancel", "meeting_module", "meeting_attendance"):
        assert client.post(reverse(f"cohorts:{name}", args=[circle.pk, meeting.pk])).status_code == 403, name
    second.refresh_from_db()
    assert (second.status, second.role) == ("active", "learner")


def test_non_members_cannot_give_feedback(client, course, private_circle):
    circle, _, waiting, meeting = private_circle
    url = reverse("cohorts:meeting_feedback", args=[circle.pk, meeting.pk])
    for label, user in [*outsiders(course)[1:], ("waitlisted", waiting.user)]:
        assert as_user(client, user).post(url, {"rating": 5}).status_code == 403, label
    assert meeting.feedback.count() == 1


def test_a_personal_calendar_feed_is_reachable_only_by_its_secret(client, private_circle):
    circle, member, _, _ = private_circle
    feed = services.calendar_feed_get(user=member.user)
    assert MEETING_URL in client.get(feed.get_absolute_url()).content.decode()
    old_url = feed.get_absolute_url()
    services.calendar_feed_reset(user=member.user)
    assert client.get(old_url).status_code == 404
    assert client.get(reverse("my_learning:calendar", args=["guessed-token"])).status_code == 404


def test_my_learning_needs_signing_in(client):
    response = client.get(reverse("my_learning:index"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_joining_leaving_and_declining_from_the_wrong_side(client, course, facilitator):
    circle = make_circle(course=course, facilitator=facilitator)
    member = join(circle)
    anonymous = client.post(reverse("cohorts:join", args=[circle.pk]))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    outsider = UserFactory()
    as_user(client, outsider)
    client.post(reverse("cohorts:leave", args=[circle.pk]))
    client.post(reverse("cohorts:invitation_decline", args=[circle.pk]))
    assert not circle.memberships.filter(user=outsider).exists()
    member.refresh_from_db()
    assert member.status == "active"


@pytest.mark.parametrize("service", ["circle_update", "circle_publish", "circle_cancel", "circle_message_send"])
def test_only_facilitators_change_a_circle(course, facilitator, service):
    # Publishing needs a draft, where nobody can have joined yet; every other change is tried by a member too.
    circle = make_circle(course=course, facilitator=facilitator, publish=service != "circle_publish")
    member = join(circle) if circle.state == "open" else None
    arguments = {
        "circle_update": {"name": "Taken over"},
        "circle_publish": {},
        "circle_cancel": {},
        "circle_message_send": {"subject": "Hi", "body": "Spam"},
    }[service]
    actor_key = "sender" if service == "circle_message_send" else "by"
    for outsider in [UserFactory(), *([member.user] if member else [])]:
        with pytest.raises(PermissionDenied):
            getattr(services, service)(circle=circle, **{actor_key: outsider}, **arguments)
    stored = Circle.objects.get(pk=circle.pk)
    assert (stored.name, stored.state) == (circle.name, circle.state)
    assert not stored.messages.exists()
