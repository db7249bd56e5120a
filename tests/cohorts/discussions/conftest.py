import datetime as dt

import pytest
import time_machine

from tests.cohorts.discussions.setup import discussion_circle

#: Every test here runs at this instant (a Tuesday morning), so nothing depends on the wall clock.
FROZEN_AT = dt.datetime(2026, 3, 10, 9, 30, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(FROZEN_AT, tick=False) as traveller:
        yield traveller


@pytest.fixture
def dc(site_tree):
    return discussion_circle()
