"""The small limiter every discussion action that reaches other people goes through."""

import datetime as dt

import pytest

from p2pu.core.rate_limits import RateLimit, RateLimited

pytestmark = pytest.mark.usefixtures("_frozen_clock")


@pytest.fixture
def limit(settings):
    settings.TEST_RATE = (3, 60)
    return RateLimit("test", setting="TEST_RATE")


def test_counts_per_subject_within_a_window(limit, _frozen_clock):
    assert [limit.hit("ann") for _ in range(4)] == [True, True, True, False]
    assert limit.hit("bob")  # someone else's allowance is their own
    assert not limit.check("ann")
    _frozen_clock.shift(dt.timedelta(seconds=61))
    assert limit.hit("ann")


def test_require_refuses_with_a_message_and_the_wait(limit):
    for _ in range(3):
        limit.require("ann")
    with pytest.raises(RateLimited) as refused:
        limit.require("ann")
    assert refused.value.code == "rate_limited" and 0 < refused.value.retry_after <= 60
    assert "Please wait 1 minute and try again." in refused.value.messages[0]
