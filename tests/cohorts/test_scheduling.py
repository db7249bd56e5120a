"""Tests for cohorts.scheduling: schedules across daylight-saving changes, seen from elsewhere.

Expected instants are written out by hand (UTC offsets looked up in the 2024 rules of each
zone), so an implementation that steps in UTC hours, picks the wrong fold or shifts gap
times the wrong way fails here.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, available_timezones

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cohorts.scheduling import (
    TimeOfDay,
    default_module_index,
    expand_explicit,
    expand_weekly,
    local_to_utc,
    local_weekday,
    next_occurrence,
    time_of_day_bucket,
)

MON, TUE, THU, SUN = 0, 1, 3, 6


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


# --- Weekly schedules across DST changes ------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "start", "weekday", "at", "expected"),
    [
        pytest.param(
            "America/New_York",
            date(2024, 2, 27),
            TUE,
            time(18, 0),
            # EST (-5) until 10 March, then EDT (-4).
            [utc(2024, 2, 27, 23), utc(2024, 3, 5, 23), utc(2024, 3, 12, 22), utc(2024, 3, 19, 22)],
            id="new-york-march",
        ),
        pytest.param(
            "America/New_York",
            date(2024, 10, 26),  # a Saturday: the first meeting is the next Tuesday
            TUE,
            time(18, 0),
            # EDT (-4) until 3 November, then EST (-5).
            [utc(2024, 10, 29, 22), utc(2024, 11, 5, 23), utc(2024, 11, 12, 23)],
            id="new-york-november",
        ),
        pytest.param(
            "Europe/Berlin",
            date(2024, 3, 21),
            THU,
            time(19, 0),
            # CET (+1) until 31 March, then CEST (+2).
            [utc(2024, 3, 21, 18), utc(2024, 3, 28, 18), utc(2024, 4, 4, 17)],
            id="berlin-march",
        ),
        pytest.param(
            "Europe/Berlin",
            date(2024, 10, 17),
            THU,
            time(19, 0),
            # CEST (+2) until 27 October, then CET (+1).
            [utc(2024, 10, 17, 17), utc(2024, 10, 24, 17), utc(2024, 10, 31, 18)],
            id="berlin-october",
        ),
        pytest.param(
            "Australia/Sydney",
            date(2024, 4, 1),
            MON,
            time(10, 0),
            # Southern autumn: AEDT (+11) until 7 April, then AEST (+10).
            [utc(2024, 3, 31, 23), utc(2024, 4, 8, 0), utc(2024, 4, 15, 0)],
            id="sydney-april",
        ),
        pytest.param(
            "Australia/Sydney",
            date(2024, 9, 30),
            MON,
            time(10, 0),
            # Southern spring: AEST (+10) until 6 October, then AEDT (+11).
            [utc(2024, 9, 30, 0), utc(2024, 10, 6, 23), utc(2024, 10, 13, 23)],
            id="sydney-october",
        ),
    ],
)
def test_weekly_schedule_keeps_local_time_across_dst(
    zone: str, start: date, weekday: int, at: time, expected: list[datetime]
) -> None:
    meetings = expand_weekly(start, weekday, at, len(expected), zone)
    assert meetings == expected
    assert all(meeting.tzinfo is UTC for meeting in meetings)
    assert {meeting.astimezone(ZoneInfo(zone)).time() for meeting in meetings} == {at}


def test_weekly_schedule_accepts_a_loaded_zone() -> None:
    assert expand_weekly(date(2024, 3, 21), THU, time(19), 1, ZoneInfo("Europe/Berlin")) == [utc(2024, 3, 21, 18)]


def test_weekly_schedule_starting_on_its_weekday_includes_the_start_date() -> None:
    assert expand_weekly(date(2024, 3, 21), THU, time(19), 1, "Europe/Berlin")[0].date() == date(2024, 3, 21)


def test_zero_weeks_is_an_empty_schedule() -> None:
    assert expand_weekly(date(2024, 3, 21), THU, time(19), 0, "Europe/Berlin") == []


@pytest.mark.parametrize(
    ("weekday", "weeks", "at"),
    [(7, 1, time(19)), (-1, 1, time(19)), (THU, -1, time(19)), (THU, 1, time(19, tzinfo=UTC))],
    ids=["weekday-too-big", "weekday-negative", "negative-weeks", "aware-time"],
)
def test_weekly_schedule_rejects_bad_input(weekday: int, weeks: int, at: time) -> None:
    with pytest.raises(ValueError):
        expand_weekly(date(2024, 3, 21), weekday, at, weeks, "Europe/Berlin")


# --- A viewer in another zone -----------------------------------------------------------

# A New York circle meeting on Tuesdays at noon, through the weeks in which the US has
# already moved its clocks (10 March) but Europe has not (31 March).
NEW_YORK_NOON = expand_weekly(date(2024, 3, 5), TUE, time(12), 5, "America/New_York")


@pytest.mark.parametrize(
    ("viewer", "expected_local"),
    [
        pytest.param(
            "Europe/Berlin",
            [
                datetime(2024, 3, 5, 18),
                datetime(2024, 3, 12, 17),  # the gap between the two DST calendars
                datetime(2024, 3, 19, 17),
                datetime(2024, 3, 26, 17),
                datetime(2024, 4, 2, 18),
            ],
            id="berlin",
        ),
        pytest.param(
            "Asia/Tokyo",  # no DST: only the circle's own change shows
            [
                datetime(2024, 3, 6, 2),
                datetime(2024, 3, 13, 1),
                datetime(2024, 3, 20, 1),
                datetime(2024, 3, 27, 1),
                datetime(2024, 4, 3, 1),
            ],
            id="tokyo",
        ),
        pytest.param(
            "Australia/Sydney",  # still on summer time (+11) until 7 April
            [
                datetime(2024, 3, 6, 4),
                datetime(2024, 3, 13, 3),
                datetime(2024, 3, 20, 3),
                datetime(2024, 3, 27, 3),
                datetime(2024, 4, 3, 3),
            ],
            id="sydney",
        ),
    ],
)
def test_viewer_in_another_zone_sees_their_local_times(viewer: str, expected_local: list[datetime]) -> None:
    zone = ZoneInfo(viewer)
    assert [meeting.astimezone(zone).replace(tzinfo=None) for meeting in NEW_YORK_NOON] == expected_local
    assert [local_weekday(meeting, viewer) for meeting in NEW_YORK_NOON] == [
        local.weekday() for local in expected_local
    ]


def test_viewer_weekday_and_time_of_day_differ_from_the_circle() -> None:
    tuesday_evening = local_to_utc(datetime(2024, 3, 12, 20), "America/New_York")
    assert local_weekday(tuesday_evening, "America/New_York") == TUE
    assert time_of_day_bucket(tuesday_evening, "America/New_York") is TimeOfDay.EVENING
    assert local_weekday(tuesday_evening, "Europe/Berlin") == TUE + 1
    assert time_of_day_bucket(tuesday_evening, "Europe/Berlin") is TimeOfDay.NIGHT
    assert time_of_day_bucket(tuesday_evening, "Asia/Tokyo") is TimeOfDay.MORNING
    assert time_of_day_bucket(tuesday_evening, "Pacific/Honolulu") is TimeOfDay.AFTERNOON


@pytest.mark.parametrize(
    ("hour", "bucket"),
    [(hour, TimeOfDay.NIGHT) for hour in range(5)]
    + [(hour, TimeOfDay.MORNING) for hour in range(5, 12)]
    + [(hour, TimeOfDay.AFTERNOON) for hour in range(12, 17)]
    + [(hour, TimeOfDay.EVENING) for hour in range(17, 22)]
    + [(hour, TimeOfDay.NIGHT) for hour in range(22, 24)],
)
def test_time_of_day_bucket_boundaries(hour: int, bucket: TimeOfDay) -> None:
    # Asia/Kolkata is +05:30 all year: the bucket must come from the viewer's hour, not UTC's.
    meeting = local_to_utc(datetime(2024, 6, 1, hour, 59), "Asia/Kolkata")
    assert time_of_day_bucket(meeting, ZoneInfo("Asia/Kolkata")) is bucket
    assert time_of_day_bucket(meeting.replace(minute=0) + timedelta(minutes=1), "Asia/Kolkata") is bucket


def test_viewer_helpers_reject_naive_datetimes() -> None:
    with pytest.raises(ValueError):
        time_of_day_bucket(datetime(2024, 3, 12, 20), "Europe/Berlin")
    with pytest.raises(ValueError):
        local_weekday(datetime(2024, 3, 12, 20), "Europe/Berlin")


# --- Gap and fold -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "local", "expected"),
    [
        # Spring forward: nonexistent times move forward by the gap (02:30 -> 03:30).
        pytest.param("America/New_York", datetime(2024, 3, 10, 2, 30), utc(2024, 3, 10, 7, 30), id="new-york-gap"),
        pytest.param("Europe/Berlin", datetime(2024, 3, 31, 2, 30), utc(2024, 3, 31, 1, 30), id="berlin-gap"),
        pytest.param("Australia/Sydney", datetime(2024, 10, 6, 2, 30), utc(2024, 10, 5, 16, 30), id="sydney-gap"),
        # Lord Howe Island moves its clocks by half an hour: 02:15 becomes 02:45.
        pytest.param("Australia/Lord_Howe", datetime(2024, 10, 6, 2, 15), utc(2024, 10, 5, 15, 45), id="lord-howe-gap"),
        # Fall back: ambiguous times mean their first occurrence, on the summer offset.
        pytest.param("America/New_York", datetime(2024, 11, 3, 1, 30), utc(2024, 11, 3, 5, 30), id="new-york-fold"),
        pytest.param("Europe/Berlin", datetime(2024, 10, 27, 2, 30), utc(2024, 10, 27, 0, 30), id="berlin-fold"),
        pytest.param("Australia/Sydney", datetime(2024, 4, 7, 2, 30), utc(2024, 4, 6, 15, 30), id="sydney-fold"),
    ],
)
def test_gap_and_fold_times(zone: str, local: datetime, expected: datetime) -> None:
    assert local_to_utc(local, zone) == expected


def test_weekly_schedule_through_the_gap_returns_to_its_wall_time() -> None:
    meetings = expand_weekly(date(2024, 3, 3), SUN, time(2, 30), 3, "America/New_York")
    new_york = ZoneInfo("America/New_York")
    assert meetings == [utc(2024, 3, 3, 7, 30), utc(2024, 3, 10, 7, 30), utc(2024, 3, 17, 6, 30)]
    assert [meeting.astimezone(new_york).time() for meeting in meetings] == [time(2, 30), time(3, 30), time(2, 30)]


def test_local_to_utc_rejects_aware_datetimes() -> None:
    with pytest.raises(ValueError):
        local_to_utc(datetime(2024, 3, 10, 2, 30, tzinfo=UTC), "America/New_York")


# --- Explicit dates ---------------------------------------------------------------------


def test_explicit_dates_are_converted_sorted_and_deduplicated() -> None:
    meetings = expand_explicit(
        [datetime(2024, 4, 2, 19), datetime(2024, 3, 26, 19), datetime(2024, 3, 26, 19)],
        "Europe/Berlin",
    )
    assert meetings == [utc(2024, 3, 26, 18), utc(2024, 4, 2, 17)]


def test_explicit_gap_time_shifted_onto_another_entry_is_kept_once() -> None:
    meetings = expand_explicit([datetime(2024, 3, 10, 3, 30), datetime(2024, 3, 10, 2, 30)], "America/New_York")
    assert meetings == [utc(2024, 3, 10, 7, 30)]


def test_explicit_dates_reject_aware_datetimes() -> None:
    with pytest.raises(ValueError):
        expand_explicit([datetime(2024, 3, 26, 19, tzinfo=UTC)], "Europe/Berlin")


# --- Next occurrence and modules --------------------------------------------------------


def test_next_occurrence() -> None:
    meetings = [utc(2024, 3, 19, 22), utc(2024, 3, 5, 23), utc(2024, 3, 12, 22)]
    assert next_occurrence(meetings, utc(2024, 3, 6)) == utc(2024, 3, 12, 22)
    assert next_occurrence(iter(meetings), utc(2024, 1, 1)) == utc(2024, 3, 5, 23)
    assert next_occurrence(meetings, utc(2024, 3, 12, 22)) == utc(2024, 3, 12, 22), "starting now still counts"
    assert next_occurrence(meetings, utc(2024, 3, 19, 22, 1)) is None
    assert next_occurrence([], utc(2024, 3, 6)) is None


def test_next_occurrence_compares_instants_not_wall_times() -> None:
    berlin_now = datetime(2024, 3, 12, 22, 30, tzinfo=ZoneInfo("Europe/Berlin"))  # 21:30 UTC
    assert next_occurrence([utc(2024, 3, 12, 22)], berlin_now) == utc(2024, 3, 12, 22)


def test_next_occurrence_rejects_a_naive_now() -> None:
    with pytest.raises(ValueError):
        next_occurrence([utc(2024, 3, 12, 22)], datetime(2024, 3, 6))


@pytest.mark.parametrize(
    ("meeting_index", "module_count", "expected"),
    [(0, 3, 0), (2, 3, 2), (3, 3, None), (10, 3, None), (0, 0, None)],
)
def test_default_module_index(meeting_index: int, module_count: int, expected: int | None) -> None:
    assert default_module_index(meeting_index, module_count) == expected


def test_default_module_index_rejects_negative_meetings() -> None:
    with pytest.raises(ValueError):
        default_module_index(-1, 3)


# --- Properties -------------------------------------------------------------------------

zones = st.sampled_from(sorted(available_timezones()))


def _expected_instant(local: datetime, zone: ZoneInfo) -> datetime:
    """The instant a naive local time should map to, derived from which readings exist."""
    readings = [local.replace(tzinfo=zone, fold=fold).astimezone(UTC) for fold in (0, 1)]
    existing = [reading for reading in readings if reading.astimezone(zone).replace(tzinfo=None) == local]
    if existing:
        return min(existing)  # the first occurrence of a repeated time
    # In the gap: fold=0 is the reading with the offset from before the transition.
    return readings[0]


def _assert_meets_at(meeting: datetime, local: datetime, zone: ZoneInfo) -> None:
    assert meeting.tzinfo is UTC
    assert meeting == _expected_instant(local, zone)
    shown = meeting.astimezone(zone)
    if shown.replace(tzinfo=None) != local:
        # Only a nonexistent time may move, forward, by exactly the size of the gap.
        shift = shown.replace(tzinfo=None) - local
        assert timedelta(0) < shift <= timedelta(days=1)
        assert shift == shown.utcoffset() - local.replace(tzinfo=zone, fold=0).utcoffset()  # type: ignore[operator]


@settings(deadline=None)  # loading a zone's data the first time can be slow
@given(
    zone_name=zones,
    start=st.dates(min_value=date(1970, 1, 1), max_value=date(2100, 1, 1)),
    weekday=st.integers(0, 6),
    at=st.times(),
    weeks=st.integers(0, 60),
)
def test_weekly_schedule_properties(zone_name: str, start: date, weekday: int, at: time, weeks: int) -> None:
    zone = ZoneInfo(zone_name)
    meetings = expand_weekly(start, weekday, at, weeks, zone_name)

    assert len(meetings) == weeks
    assert all(earlier < later for earlier, later in zip(meetings, meetings[1:], strict=False))
    days = (start + timedelta(days=offset) for offset in range(7 * weeks + 7))
    meeting_days = [day for day in days if day.weekday() == weekday][:weeks]
    for meeting, day in zip(meetings, meeting_days, strict=True):
        _assert_meets_at(meeting, datetime.combine(day, at), zone)


@settings(deadline=None)
@given(
    zone_name=zones,
    locals_=st.lists(st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2100, 1, 1)), max_size=20),
)
def test_explicit_schedule_properties(zone_name: str, locals_: list[datetime]) -> None:
    zone = ZoneInfo(zone_name)
    meetings = expand_explicit(locals_, zone)

    assert all(earlier < later for earlier, later in zip(meetings, meetings[1:], strict=False))
    assert all(meeting.tzinfo is UTC for meeting in meetings)
    assert set(meetings) == {_expected_instant(local, zone) for local in locals_}
    for local in locals_:
        _assert_meets_at(local_to_utc(local, zone), local, zone)


@given(
    meetings=st.lists(st.datetimes(timezones=st.just(UTC))),
    now=st.datetimes(timezones=st.just(UTC)),
)
def test_next_occurrence_is_the_earliest_meeting_not_yet_started(meetings: list[datetime], now: datetime) -> None:
    upcoming = next_occurrence(meetings, now)
    if upcoming is None:
        assert all(meeting < now for meeting in meetings)
    else:
        assert upcoming in meetings
        assert upcoming >= now
        assert not any(now <= meeting < upcoming for meeting in meetings)
