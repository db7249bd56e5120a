"""The small limiter every discussion action that reaches other people goes through."""

import datetime as dt

import pytest

from p2pu.core.rate_limits import Cooldown, Quota, RateLimit, RateLimited, quotas_require

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


def test_quotas_refuse_without_using_anyones_allowance(settings):
    settings.TEST_SEND_RATE = (5, 60)
    settings.TEST_RECEIVE_RATE = (1, 60)
    sent = RateLimit("test.sent", setting="TEST_SEND_RATE")
    received = RateLimit("test.received", setting="TEST_RECEIVE_RATE")
    quotas_require([Quota(sent, "ann"), Quota(received, "bob", "Bob has had enough.")])
    with pytest.raises(RateLimited, match="Bob has had enough"):
        quotas_require([Quota(sent, "ann"), Quota(received, "bob", "Bob has had enough.")])
    for _ in range(4):  # the refused action did not count against Ann
        quotas_require([Quota(sent, "ann")])
    assert not sent.check("ann")


def test_a_cool_down_refuses_until_it_ends(settings, _frozen_clock):
    settings.TEST_COOLDOWN = 2 * 60 * 60
    declined = Cooldown("test.declined", setting="TEST_COOLDOWN")
    declined.require("ann:bob", "Bob said no.")
    declined.start("ann:bob")
    with pytest.raises(RateLimited, match="Bob said no. Please wait 2 hours") as refused:
        declined.require("ann:bob", "Bob said no.")
    assert refused.value.retry_after == 2 * 60 * 60
    _frozen_clock.shift(dt.timedelta(hours=2, seconds=1))
    declined.require("ann:bob", "Bob said no.")
