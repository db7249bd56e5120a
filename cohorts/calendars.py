"""iCalendar (RFC 5545) exports of circle meetings: a circle's public calendar and a member's own feed.

The public calendar never carries the meeting link; a member's feed does (it lives at a secret URL).
Each meeting keeps one UID for life and bumps SEQUENCE on every change, so calendar apps update a
moved meeting and strike a cancelled one instead of showing duplicates.
"""

from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext
from icalendar import Calendar, Event

from p2pu.core.links import absolute_url

from .models import Meeting


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.WAGTAIL_SITE_NAME}//Study circles//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    return calendar


def _event(meeting: Meeting, *, private: bool) -> Event:
    circle = meeting.circle
    if meeting.module_id and meeting.module:
        topic = meeting.module.title
    else:
        topic = gettext("Meeting %(number)d") % {"number": meeting.number}
    lines = [
        gettext("Study circle “%(circle)s”, following the course “%(course)s”.")
        % {"circle": circle.name, "course": circle.course.title}
    ]
    if meeting.change_note:
        lines.append(meeting.change_note)
    if circle.is_online:
        location = gettext("Online")
        if private and circle.meeting_url:
            location = circle.meeting_url
            lines.append(gettext("Join online: %(url)s") % {"url": circle.meeting_url})
    else:
        location = ", ".join(part for part in (circle.venue_name, circle.address, circle.city, circle.country) if part)
    lines.append(absolute_url(circle.get_absolute_url()))

    event = Event()
    event.add("uid", f"circle-meeting-{meeting.pk}@{urlsplit(settings.SITE_URL).hostname or 'localhost'}")
    event.add("dtstamp", meeting.updated_at)
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("sequence", meeting.sequence)
    event.add("status", "CANCELLED" if meeting.is_cancelled else "CONFIRMED")
    event.add("summary", f"{circle.name}: {topic}")
    event.add("description", "\n\n".join(lines))
    event.add("location", location)
    event.add("url", absolute_url(circle.get_absolute_url()))
    return event


def circle_calendar(circle, meetings: Iterable[Meeting]) -> bytes:
    """The circle's public schedule: times, topics and place, never the meeting link."""
    calendar = _calendar(circle.name)
    for meeting in meetings:
        calendar.add_component(_event(meeting, private=False))
    return calendar.to_ical()


def personal_calendar(meetings: Iterable[Meeting]) -> bytes:
    """One person's meetings across all their circles, with the meeting links they may see as members
    (in the active language: the feed's owner's, see the view)."""
    calendar = _calendar(gettext("My study circles"))
    for meeting in meetings:
        calendar.add_component(_event(meeting, private=True))
    return calendar.to_ical()
