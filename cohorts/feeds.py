"""Atom feed of one circle's meeting changes, for its members: meetings moved or cancelled and meetings
that cover another module than the outline's, newest change first.

It lives at /circles/<id>/changes/<token>.atom, where the token is the member's own calendar-feed secret
(``CalendarFeed``), so a feed reader fetches it without signing in, and resetting the calendar link on
/me/ retires this URL too. Only active members get it; anyone else, or a retired token, gets 404.
Times are written in UTC, each with the circle's local time and the zone's name beside it.
"""

import datetime as dt
from dataclasses import dataclass
from datetime import UTC

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.utils.dateformat import format as date_format
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from p2pu.core.links import absolute_url

from .models import Circle, Meeting, Membership
from .scheduling import default_module_index


def _when(instant: dt.datetime, circle) -> str:
    """“Tue 5 Mar 2024, 17:00 UTC (18:00 on Tue 5 Mar in Europe/Berlin, the circle's time zone)”."""
    local = instant.astimezone(circle.zone)
    return _("%(utc)s UTC (%(time)s on %(day)s in %(zone)s, the circle's time zone)") % {
        "utc": date_format(instant.astimezone(UTC), "D j M Y, H:i"),
        "time": date_format(local, "H:i"),
        "day": date_format(local, "D j M"),
        "zone": circle.time_zone,
    }


def _module(meeting: Meeting) -> str:
    return f"“{meeting.module_title}”" if meeting.module_title else _("no module of the course")


@dataclass
class ChangesOf:
    """The circle a feed is about, with its pinned outline read once for every entry."""

    circle: Circle
    path: str
    #: Module ids of the pinned outline, in order (None where a module was deleted since).
    outline: list
    module_titles: dict


class MeetingChangesFeed(Feed):
    feed_type = Atom1Feed

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"  # the URL is a secret; shared caches must not keep it
        return response

    def get_object(self, request, circle_id: int, token: str):
        membership = (
            Membership.objects.active()
            .select_related("circle")
            .filter(circle_id=circle_id, user__calendar_feed__token=token, user__is_active=True)
            .first()
        )
        if membership is None:
            raise Http404("No such feed.")
        circle = membership.circle
        pinned = list(circle.pinned_modules.all())
        return ChangesOf(
            circle=circle,
            path=request.path,
            outline=[pin.module_id for pin in pinned],
            module_titles={pin.module_id: pin.title for pin in pinned if pin.module_id},
        )

    def title(self, changes: ChangesOf) -> str:
        return _("%(circle)s: meeting changes") % {"circle": changes.circle.name}

    def subtitle(self, changes: ChangesOf) -> str:
        circle = changes.circle
        return _(
            "Meetings of %(circle)s that were moved or cancelled, or cover another module. "
            "Times are in UTC, with the circle's time zone (%(zone)s) beside them."
        ) % {"circle": circle.name, "zone": circle.time_zone}

    def link(self, changes: ChangesOf) -> str:
        return changes.circle.get_absolute_url()

    def feed_url(self, changes: ChangesOf) -> str:
        return changes.path

    def items(self, changes: ChangesOf) -> list[Meeting]:
        changed = []
        for meeting in changes.circle.meetings.order_by("-updated_at", "-pk"):
            meeting.circle = changes.circle
            meeting.module_title = changes.module_titles.get(meeting.module_id)
            index = default_module_index(meeting.number - 1, len(changes.outline))
            outline_module = changes.outline[index] if index is not None else None
            if meeting.is_cancelled or meeting.sequence or meeting.module_id != outline_module:
                changed.append(meeting)
        return changed

    def item_title(self, meeting: Meeting) -> str:
        if meeting.is_cancelled:
            return _("Meeting %(number)s is cancelled") % {"number": meeting.number}
        if meeting.sequence:
            return _("Meeting %(number)s moved to %(when)s") % {
                "number": meeting.number,
                "when": _when(meeting.starts_at, meeting.circle),
            }
        return _("Meeting %(number)s covers %(module)s") % {"number": meeting.number, "module": _module(meeting)}

    def item_description(self, meeting: Meeting) -> str:
        circle = meeting.circle
        lines = [(_("When"), _when(meeting.starts_at, circle))]
        if meeting.was_moved:
            lines.append((_("First planned for"), _when(meeting.originally_starts_at, circle)))
        lines.append((_("Module"), _module(meeting)))
        if meeting.change_note:
            lines.append((_("Note from the facilitators"), meeting.change_note))
        details = format_html_join("", "<p>{}: {}</p>", lines)
        if meeting.is_cancelled:
            return format_html("<p>{}</p>{}", _("This meeting will not take place."), details)
        return details

    def item_link(self, meeting: Meeting) -> str:
        return meeting.get_absolute_url()

    def item_guid(self, meeting: Meeting) -> str:
        # An Atom id is an IRI; a new one for every change, so feed readers show each change as news.
        change = f"{meeting.sequence}-{meeting.status}-{meeting.module_id or 'none'}"
        return absolute_url(f"{meeting.get_absolute_url()}#change-{change}")

    def item_guid_is_permalink(self, meeting) -> bool:
        return False

    def item_pubdate(self, meeting: Meeting):
        return meeting.updated_at

    def item_updateddate(self, meeting: Meeting):
        return meeting.updated_at
