"""The Atom feed of a circle's meeting changes: members only, at the secret of their calendar link, with
moved and cancelled meetings and module changes newest first, times in UTC and the circle's zone named."""

import datetime as dt

import pytest
import time_machine
from defusedxml import ElementTree
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cohorts import services
from tests.cohorts.factories import join, make_circle, make_course
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def feed_url(circle, user) -> str:
    return reverse("cohorts:changes_feed", args=[circle.pk, services.calendar_feed_get(user=user).token])


def entries(response) -> list[dict[str, str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(response.content)
    return [
        {
            "title": entry.findtext(f"{ATOM}title"),
            "summary": entry.findtext(f"{ATOM}summary"),
            "link": entry.find(f"{ATOM}link").get("href"),
            "id": entry.findtext(f"{ATOM}id"),
        }
        for entry in root.iter(f"{ATOM}entry")
    ]


def change_three_meetings(circle, facilitator):
    """Move meeting 1, cancel meeting 2, give meeting 3 module 1: a minute apart, in that order."""
    meetings = {meeting.number: meeting for meeting in circle.meetings.all()}
    first_pin = circle.pinned_modules.order_by("position").first()
    start = timezone.now()
    with time_machine.travel(start + dt.timedelta(minutes=1), tick=False):
        moved_to = meetings[1].starts_at + dt.timedelta(hours=2)
        services.meeting_move(meeting=meetings[1], by=facilitator, starts_at=moved_to, note="<b>Room</b> booked")
    with time_machine.travel(start + dt.timedelta(minutes=2), tick=False):
        services.meeting_cancel(meeting=meetings[2], by=facilitator, note="Public holiday.")
    with time_machine.travel(start + dt.timedelta(minutes=3), tick=False):
        services.meeting_module_assign(meeting=meetings[3], by=facilitator, module=first_pin.module)
    return meetings, moved_to


def test_a_member_reads_moves_cancellations_and_module_changes_newest_first(client, course, facilitator):
    circle = make_circle(course=course, facilitator=facilitator, time_zone="Europe/Berlin", weeks=4)
    member = join(circle)
    meetings, moved_to = change_three_meetings(circle, facilitator)

    response = client.get(feed_url(circle, member.user))  # no session: a feed reader
    assert response["Cache-Control"] == "private, no-store"
    found = entries(response)
    assert [entry["title"].split(" ", 2)[1] for entry in found] == ["3", "2", "1"]
    module_change, cancelled, moved = found
    assert module_change["title"] == "Meeting 3 covers “Module 1”"
    assert cancelled["title"] == "Meeting 2 is cancelled" and "Public holiday." in cancelled["summary"]
    berlin = moved_to.astimezone(circle.zone)
    assert moved["title"].startswith(f"Meeting 1 moved to {moved_to:%a} {moved_to.day} {moved_to:%b %Y, %H:%M} UTC")
    assert f"{berlin:%H:%M} on" in moved["title"] and "in Europe/Berlin, the circle's time zone" in moved["title"]
    assert "First planned for" in moved["summary"] and "&lt;b&gt;Room&lt;/b&gt; booked" in moved["summary"]
    assert moved["link"].endswith(meetings[1].get_absolute_url())
    # Meeting 4 never changed; a later change to meeting 1 is news again, under a new id.
    assert len(found) == 3
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=4), tick=False):
        services.meeting_move(meeting=meetings[1], by=facilitator, starts_at=moved_to + dt.timedelta(hours=1))
    again = entries(client.get(feed_url(circle, member.user)))
    assert again[0]["title"].startswith("Meeting 1 moved") and again[0]["id"] != moved["id"]


def test_only_members_with_a_current_secret_get_the_feed_and_only_of_their_circle(client, course, facilitator):
    circle = make_circle(course=course, facilitator=facilitator, name="Ours")
    other = make_circle(course=course, facilitator=facilitator, name="Theirs")
    member = join(circle)
    change_three_meetings(other, facilitator)
    url = feed_url(circle, member.user)
    assert entries(client.get(url)) == []  # the other circle's changes never appear

    assert client.get(feed_url(other, member.user)).status_code == 404  # not a member there
    assert client.get(reverse("cohorts:changes_feed", args=[circle.pk, "not-a-token"])).status_code == 404
    services.calendar_feed_reset(user=member.user)
    assert client.get(url).status_code == 404
    url = feed_url(circle, member.user)
    assert client.get(url).status_code == 200
    services.membership_leave(circle=circle, user=member.user)
    assert client.get(url).status_code == 404
    waiting = join(make_circle(course=course, facilitator=facilitator, capacity=1, join_policy="approval"))
    assert client.get(feed_url(waiting.circle, waiting.user)).status_code == 404  # asked to join, not a member


def test_the_circle_page_and_my_learning_link_the_feed_for_members_only(client, course, facilitator):
    circle = make_circle(course=course, facilitator=facilitator)
    member = join(circle)
    assert "meeting-changes" not in client.get(circle.get_absolute_url()).content.decode()
    client.force_login(member.user)
    page = client.get(circle.get_absolute_url()).content.decode()
    assert "Get a feed of this circle's meeting changes" in page
    client.post(reverse("cohorts:changes_feed_link", args=[circle.pk]))
    url = feed_url(circle, member.user)
    assert url in client.get(circle.get_absolute_url()).content.decode()
    assert url in client.get(reverse("my_learning:index")).content.decode()

    client.force_login(UserFactory())
    assert client.post(reverse("cohorts:changes_feed_link", args=[circle.pk])).status_code == 403


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_the_feed_takes_a_constant_number_of_queries(client, site_tree):
    facilitator = UserFactory()
    small = make_circle(course=make_course(modules=2), facilitator=facilitator, weeks=3)
    large = make_circle(course=make_course(modules=8), facilitator=facilitator, weeks=12, capacity=20)
    small_member, large_member = join(small), join(large)
    for _ in range(10):
        join(large)
    change_three_meetings(small, facilitator)
    for meeting in large.meetings.filter(number__gt=4)[:6]:
        services.meeting_cancel(meeting=meeting, by=facilitator)
    change_three_meetings(large, facilitator)
    small_queries = _queries(client, feed_url(small, small_member.user))
    large_queries = _queries(client, feed_url(large, large_member.user))
    assert len(entries(client.get(feed_url(large, large_member.user)))) == 9
    assert small_queries == large_queries
