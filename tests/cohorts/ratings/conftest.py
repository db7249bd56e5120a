import datetime as dt

import pytest
import time_machine

from tests.cohorts.factories import make_course

#: Every test here runs at this instant, after the ratings were written (see setup.RATED_AT).
FROZEN_AT = dt.datetime(2026, 3, 10, 9, 30, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(FROZEN_AT, tick=False) as traveller:
        yield traveller


@pytest.fixture
def course(site_tree):
    return make_course(modules=1, title="Mapping rivers", slug="mapping-rivers")
