"""The survey's window, property-tested: open from the finish for exactly the given days, then closed."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from cohorts.surveys.window import survey_closes_at, survey_open

moments = st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2100, 1, 1), timezones=st.just(dt.UTC))
days = st.integers(min_value=0, max_value=365)
offsets = st.integers(min_value=0, max_value=400 * 24 * 3600).map(lambda seconds: dt.timedelta(seconds=seconds))


@given(finished_at=moments, open_days=days, after=offsets)
def test_open_exactly_until_it_closes(finished_at, open_days, after):
    now = finished_at + after
    closes = survey_closes_at(finished_at=finished_at, open_days=open_days)
    assert survey_open(finished_at=finished_at, now=now, open_days=open_days) == (now <= closes)


@given(finished_at=moments, open_days=days, before=offsets)
def test_a_finish_ahead_of_the_clock_counts_as_just_finished(finished_at, open_days, before):
    assert survey_open(finished_at=finished_at, now=finished_at - before, open_days=open_days)
