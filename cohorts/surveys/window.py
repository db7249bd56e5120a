"""How long a finished circle's survey stays open. No Django here: property-tested with hypothesis."""

import datetime as dt


def survey_open(*, finished_at: dt.datetime, now: dt.datetime, open_days: int) -> bool:
    """Answers are taken (and may be changed) from the moment the circle finishes until ``open_days`` after.

    A finish time later than ``now`` (a clock that stepped back) counts as just finished.
    """
    return now - finished_at <= dt.timedelta(days=open_days)


def survey_closes_at(*, finished_at: dt.datetime, open_days: int) -> dt.datetime:
    return finished_at + dt.timedelta(days=open_days)
