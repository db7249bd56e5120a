"""Study-circle meeting schedules: expansion to UTC instants, and helpers for viewers.

Pure Python (zoneinfo only, no Django). A circle's schedule is written in its own IANA time
zone as local wall-clock times ("Tuesdays at 18:00 in Europe/Berlin"); meetings are stored
as UTC instants and shown in each viewer's zone.

Local times that daylight-saving changes make odd follow RFC 5545 §3.3.5, so that the
circle's calendar export and the site agree:

* a nonexistent time (in the spring-forward gap) is read with the UTC offset in force
  before the gap, which moves it forward by the gap's length: 02:30 on a day when clocks
  jump from 02:00 to 03:00 becomes 03:30;
* an ambiguous time (repeated when clocks fall back) means its first occurrence
  (``fold=0``), still on the daylight-saving offset.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

#: An IANA zone name ("America/New_York") or an already-loaded ZoneInfo.
TimeZone = str | ZoneInfo


def _zone(tz: TimeZone) -> ZoneInfo:
    return tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)


def _require_aware(moment: datetime, name: str) -> None:
    # A naive datetime would silently be read in the server's own zone by astimezone().
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {moment.isoformat()}")


def local_to_utc(local: datetime, tz: TimeZone) -> datetime:
    """The UTC instant of naive local wall-clock time ``local`` in zone ``tz``.

    Gap and fold times are resolved as described in the module docstring.
    """
    if local.tzinfo is not None:
        raise ValueError(f"expected a naive local datetime, got {local.isoformat()}")
    # zoneinfo gives fold=0 exactly the RFC 5545 meaning: in a gap it applies the offset
    # from before the transition, and in a repeated hour it picks the first occurrence.
    return local.replace(tzinfo=_zone(tz), fold=0).astimezone(UTC)


def expand_weekly(start: date, weekday: int, at: time, weeks: int, tz: TimeZone) -> list[datetime]:
    """``weeks`` weekly meetings at local time ``at`` on ``weekday`` (0 = Monday … 6 = Sunday).

    The first meeting is on the first such weekday on or after ``start``. The local
    wall-clock time stays the same every week, so the UTC time moves when the circle's
    zone changes to or from daylight-saving time. Returns UTC datetimes in order.
    """
    if not 0 <= weekday <= 6:
        raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), got {weekday}")
    if weeks < 0:
        raise ValueError(f"weeks must not be negative, got {weeks}")
    if at.tzinfo is not None:
        raise ValueError("the meeting time is local to the circle's zone and must be naive")
    first = start + timedelta(days=(weekday - start.weekday()) % 7)
    # Step in local calendar days, not in UTC: a week across a DST change is not 168 hours.
    return [local_to_utc(datetime.combine(first + timedelta(weeks=week), at), tz) for week in range(weeks)]


def expand_explicit(local_datetimes: Iterable[datetime], tz: TimeZone) -> list[datetime]:
    """Meetings at the given naive local datetimes in zone ``tz``, as UTC datetimes.

    The result is sorted, and entries that fall on the same instant (a repeated date, or a
    gap time shifted onto another entry) are kept once.
    """
    zone = _zone(tz)
    return sorted({local_to_utc(local, zone) for local in local_datetimes})


def next_occurrence(meetings_utc: Iterable[datetime], now: datetime) -> datetime | None:
    """The first meeting at or after ``now``, or None when all are past.

    A meeting starting exactly ``now`` still counts as the next one: the schedule knows
    start times only, so that meeting is about to begin rather than over.
    """
    _require_aware(now, "now")
    return min((meeting for meeting in meetings_utc if meeting >= now), default=None)


def default_module_index(meeting_index: int, module_count: int) -> int | None:
    """The module that meeting ``meeting_index`` (0-based) covers by default.

    Meeting i covers module i. Meetings beyond the last module get None rather than the
    last module again: circles typically use extra meetings for review or projects, and
    labelling them with the final module would mislead; the facilitator can still assign
    one by hand.
    """
    if meeting_index < 0:
        raise ValueError(f"meeting_index must not be negative, got {meeting_index}")
    return meeting_index if meeting_index < module_count else None


class TimeOfDay(StrEnum):
    """Part of the day of a meeting in a viewer's zone, for discovery filters.

    Morning is 05:00-11:59, afternoon 12:00-16:59, evening 17:00-21:59 and night
    22:00-04:59.
    """

    MORNING = "morning"
    AFTERNOON = "afternoon"
    EVENING = "evening"
    NIGHT = "night"


def time_of_day_bucket(utc_dt: datetime, viewer_tz: TimeZone) -> TimeOfDay:
    """Which `TimeOfDay` the instant ``utc_dt`` falls in for a viewer in ``viewer_tz``."""
    _require_aware(utc_dt, "utc_dt")
    hour = utc_dt.astimezone(_zone(viewer_tz)).hour
    if 5 <= hour < 12:
        return TimeOfDay.MORNING
    if 12 <= hour < 17:
        return TimeOfDay.AFTERNOON
    if 17 <= hour < 22:
        return TimeOfDay.EVENING
    return TimeOfDay.NIGHT


def local_weekday(utc_dt: datetime, tz: TimeZone) -> int:
    """The weekday (0 = Monday … 6 = Sunday) of instant ``utc_dt`` in zone ``tz``."""
    _require_aware(utc_dt, "utc_dt")
    return utc_dt.astimezone(_zone(tz)).weekday()
