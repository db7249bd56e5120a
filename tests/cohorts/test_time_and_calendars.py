"""Times through the pages: schedules crossing daylight-saving changes in two zones, read from a third;
and the iCalendar exports, parsed with the icalendar library."""

import datetime as dt
import re
from datetime import UTC

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from cohorts import services
from tests.cohorts.factories import join, make_circle
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def dst_circles(course, facilitator):
    """Two circles whose three meetings cross their zone's spring change, in different weeks."""
    # United States: clocks go forward on 10 March 2030. Tuesdays 18:00.
    new_york = make_circle(
        course=course,
        facilitator=facilitator,
        name="NY",
        time_zone="America/New_York",
        start_date=dt.date(2030, 3, 5),
        weekday=1,
    )
    # European Union: clocks go forward on 31 March 2030. Thursdays 19:00.
    berlin = make_circle(
        course=course,
        facilitator=facilitator,
        name="Berlin",
        time_zone="Europe/Berlin",
        start_date=dt.date(2030, 3, 21),
        weekday=3,
        meeting_time=dt.time(19),
    )
    return new_york, berlin


def shown_times(client, circle) -> list[str]:
    page = client.get(circle.get_absolute_url()).content.decode()
    table = page[page.index('<table class="meetings">') : page.index("</table>")]
    return re.findall(r'<time datetime="([^"]+)">([^<]+)</time>', table)


def test_a_viewer_in_a_third_zone_sees_both_schedules_in_their_own_time(client, dst_circles):
    new_york, berlin = dst_circles
    client.force_login(UserFactory(time_zone="Asia/Tokyo"))  # +09:00 all year
    assert shown_times(client, new_york) == [
        ("2030-03-06T08:00:00+09:00", "Wed 6 Mar 2030, 08:00"),  # 18:00 EST = 23:00 UTC
        ("2030-03-13T07:00:00+09:00", "Wed 13 Mar 2030, 07:00"),  # 18:00 EDT = 22:00 UTC
        ("2030-03-20T07:00:00+09:00", "Wed 20 Mar 2030, 07:00"),
    ]
    assert shown_times(client, berlin) == [
        ("2030-03-22T03:00:00+09:00", "Fri 22 Mar 2030, 03:00"),  # 19:00 CET = 18:00 UTC
        ("2030-03-29T03:00:00+09:00", "Fri 29 Mar 2030, 03:00"),
        ("2030-04-05T02:00:00+09:00", "Fri 5 Apr 2030, 02:00"),  # 19:00 CEST = 17:00 UTC
    ]


def test_members_of_the_circle_see_its_own_wall_clock_time_every_week(client, dst_circles):
    new_york, berlin = dst_circles
    client.force_login(UserFactory(time_zone="America/New_York"))
    assert [text for _, text in shown_times(client, new_york)] == [
        "Tue 5 Mar 2030, 18:00",
        "Tue 12 Mar 2030, 18:00",
        "Tue 19 Mar 2030, 18:00",
    ]
    # Between the two countries' changes, Berlin's 19:00 is 14:00 in New York instead of 13:00.
    assert [text for _, text in shown_times(client, berlin)] == [
        "Thu 21 Mar 2030, 14:00",
        "Thu 28 Mar 2030, 14:00",
        "Thu 4 Apr 2030, 13:00",
    ]


def test_anonymous_visitors_see_their_browsers_zone(client, dst_circles):
    new_york, _ = dst_circles
    client.cookies["tz"] = "Asia/Tokyo"
    assert shown_times(client, new_york)[1][1] == "Wed 13 Mar 2030, 07:00"
    client.cookies["tz"] = "Not/AZone"
    assert shown_times(client, new_york)[1][1] == "Tue 12 Mar 2030, 22:00"  # falls back to UTC


def test_a_late_joiner_is_shown_the_next_meeting_not_the_first(client, course):
    circle = make_circle(course=course, weeks=3)
    first, second, _ = circle.meetings.order_by("number")
    first.starts_at = timezone.now() - dt.timedelta(days=1)
    first.save()
    services.circles_advance()
    member = join(circle)
    client.force_login(member.user)
    page = client.get(circle.get_absolute_url()).content.decode()
    assert f'Next meeting: <a href="{second.get_absolute_url()}">meeting 2</a>' in page
    me = client.get(reverse("my_learning:index")).content.decode()
    assert f'<a href="{second.get_absolute_url()}"><bdi>{circle.name}</bdi>, meeting 2</a>' in me


# --- Calendars ---------------------------------------------------------------------------------------


def parse(response) -> Calendar:
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events(calendar):
    return sorted(calendar.walk("VEVENT"), key=lambda event: event.decoded("dtstart"))


def test_the_public_calendar_is_valid_and_has_no_meeting_link(client, dst_circles, facilitator):
    new_york, _ = dst_circles
    meeting = new_york.meetings.get(number=3)
    services.meeting_cancel(meeting=meeting, by=facilitator, note="Spring break")
    response = client.get(reverse("cohorts:calendar", args=[new_york.pk]))
    assert response["Content-Disposition"] == f'attachment; filename="circle-{new_york.pk}.ics"'
    calendar = parse(response)
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    found = events(calendar)
    assert [event.decoded("dtstart") for event in found] == [
        dt.datetime(2030, 3, 5, 23, tzinfo=UTC),
        dt.datetime(2030, 3, 12, 22, tzinfo=UTC),
        dt.datetime(2030, 3, 19, 22, tzinfo=UTC),
    ]
    assert [event.decoded("dtend") - event.decoded("dtstart") for event in found] == [dt.timedelta(minutes=90)] * 3
    assert [str(event["STATUS"]) for event in found] == ["CONFIRMED", "CONFIRMED", "CANCELLED"]
    assert [int(event["SEQUENCE"]) for event in found] == [0, 0, 1]
    assert len({str(event["UID"]) for event in found}) == 3
    assert all("DTSTAMP" in event for event in found)
    assert "meet.example.org" not in response.content.decode()
    assert all(str(event["LOCATION"]) == "Online" for event in found)


def test_the_personal_feed_has_every_circle_and_the_meeting_links(client, dst_circles):
    new_york, berlin = dst_circles
    person = UserFactory()
    join(new_york, person)
    join(berlin, person)
    waiting_elsewhere = make_circle(course=new_york.course, name="Elsewhere", capacity=1)
    join(waiting_elsewhere)
    join(waiting_elsewhere, person)  # waitlisted: not their meetings yet
    feed = services.calendar_feed_get(user=person)
    calendar = parse(client.get(feed.get_absolute_url()))
    found = events(calendar)
    assert len(found) == 6
    assert {str(event["SUMMARY"]).split(":")[0] for event in found} == {"NY", "Berlin"}
    assert all(str(event["LOCATION"]) == "https://meet.example.org/secret-room" for event in found)
    assert "Join online: https://meet.example.org/secret-room" in str(found[0]["DESCRIPTION"])


def test_a_moved_meeting_keeps_its_uid_and_raises_its_sequence(client, dst_circles, facilitator):
    new_york, _ = dst_circles
    before = {str(e["UID"]): e for e in events(parse(client.get(reverse("cohorts:calendar", args=[new_york.pk]))))}
    meeting = new_york.meetings.get(number=1)
    services.meeting_move(meeting=meeting, by=facilitator, starts_at=dt.datetime(2030, 3, 6, 23, tzinfo=UTC))
    after = {str(e["UID"]): e for e in events(parse(client.get(reverse("cohorts:calendar", args=[new_york.pk]))))}
    assert before.keys() == after.keys()
    moved = [uid for uid in after if after[uid].decoded("dtstart") != before[uid].decoded("dtstart")]
    assert len(moved) == 1 and int(after[moved[0]]["SEQUENCE"]) == 1
