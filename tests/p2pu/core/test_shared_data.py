"""Data shared by everyone who reads it (p2pu.core.page_cache.shared_data): computed once, purged by the tags
it declared, recomputed once the clock passes the instant it named, and never kept when the cache is off."""

import datetime as dt

import pytest
import time_machine

from p2pu.core.page_cache import page_cache_purge, shared_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]

BUILT_AT = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


class Counting:
    """A computation that declares ``tags`` and counts how often it ran."""

    def __init__(self, *tags, until=None):
        self.tags, self.until, self.runs = tags, until, 0

    def __call__(self, depends):
        depends(*self.tags)
        self.runs += 1
        return {"run": self.runs}, self.until


def test_the_data_is_computed_once_and_shared():
    compute = Counting("circle:1")
    assert shared_data("one", compute=compute) == {"run": 1}
    assert shared_data("one", compute=compute) == {"run": 1}
    assert compute.runs == 1


def test_a_purge_of_a_declared_tag_recomputes_it_and_only_it(django_capture_on_commit_callbacks):
    first, second = Counting("circle:1", "page:5"), Counting("circle:2")
    shared_data("first", compute=first)
    shared_data("second", compute=second)

    with django_capture_on_commit_callbacks(execute=True):
        page_cache_purge("page:5")

    assert shared_data("first", compute=first) == {"run": 2}
    assert shared_data("second", compute=second) == {"run": 1}


def test_a_site_wide_purge_recomputes_everything(django_capture_on_commit_callbacks):
    compute = Counting("circle:1")
    shared_data("one", compute=compute)
    with django_capture_on_commit_callbacks(execute=True):
        page_cache_purge("site")
    assert shared_data("one", compute=compute) == {"run": 2}


def test_the_data_is_recomputed_once_the_clock_passes_the_instant_it_named():
    # Sooner than the cache entry's own lifetime (PAGE_CACHE_SECONDS), so only the named instant ends it.
    compute = Counting("circle:1", until=BUILT_AT + dt.timedelta(minutes=3))
    with time_machine.travel(BUILT_AT, tick=False):
        shared_data("one", compute=compute)
    with time_machine.travel(BUILT_AT + dt.timedelta(minutes=2, seconds=59), tick=False):
        assert shared_data("one", compute=compute) == {"run": 1}
    with time_machine.travel(BUILT_AT + dt.timedelta(minutes=3), tick=False):
        assert shared_data("one", compute=compute) == {"run": 2}


def test_a_failed_computation_keeps_nothing():
    def failing(depends):
        depends("circle:1")
        raise LookupError("no such circle")

    with pytest.raises(LookupError):
        shared_data("one", compute=failing)
    compute = Counting("circle:1")
    assert shared_data("one", compute=compute) == {"run": 1}


def test_with_the_page_cache_off_every_read_computes(settings):
    settings.PAGE_CACHE_ENABLED = False
    compute = Counting("circle:1")
    shared_data("one", compute=compute)
    assert shared_data("one", compute=compute) == {"run": 2}
