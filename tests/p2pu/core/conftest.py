import datetime as dt

import pytest
import time_machine

#: The rate-limit tests run at this instant, so a window's edge never falls in the middle of one.
FROZEN_AT = dt.datetime(2026, 3, 10, 9, 30, tzinfo=dt.UTC)


@pytest.fixture
def _frozen_clock():
    with time_machine.travel(FROZEN_AT, tick=False) as traveller:
        yield traveller
