"""Fixtures shared by the whole suite; the CI rules (tests/ci_outcomes.py), Hypothesis profiles and the clock."""

import datetime as dt
import os

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from tests.ci_outcomes import ci_is_set
from tests.factories import UserFactory

pytest_plugins = ["tests.ci_outcomes", "pytester"]

# CI draws the same examples on every run, so a submission cannot fail one day on an example that
# another day's run would not have drawn; locally each run draws new ones and keeps finding new bugs.
# HYPOTHESIS_PROFILE chooses either explicitly (to replay CI's examples: HYPOTHESIS_PROFILE=ci). Both
# derive from Hypothesis's defaults, not from the profile Hypothesis itself loads when it detects CI.
_hypothesis_defaults = hypothesis_settings.get_profile("default")
hypothesis_settings.register_profile(
    "ci",
    parent=_hypothesis_defaults,
    derandomize=True,
    database=None,  # derandomised runs replay nothing, and a clean clone has no examples to keep
    deadline=None,  # a shared CI machine's timings are not the code's
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
    max_examples=100,
)
hypothesis_settings.register_profile("dev", parent=_hypothesis_defaults, print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if ci_is_set() else "dev"))

# Tests of behaviour that turns on the date or the hour: jobs and digests, meetings and calendars, review
# deadlines and leases, grace periods, rate-limit windows, expiring links. `make test-clock` runs them at
# fixed instants through TEST_NOW; a module elsewhere can join with `pytestmark = pytest.mark.clock`.
CLOCK_SENSITIVE_PATHS = (
    "tests/cohorts/test_jobs.py",
    "tests/cohorts/test_meetings.py",
    "tests/cohorts/test_rsvp.py",
    "tests/cohorts/test_review_rounds.py",
    "tests/cohorts/test_time_and_calendars.py",
    "tests/cohorts/test_meeting_changes_feed.py",
    "tests/cohorts/discussions/test_threads.py",
    "tests/p2pu/core/test_rate_limits.py",
    "tests/p2pu/notifications/test_digest.py",
    "tests/p2pu/notifications/test_tasks.py",
    "tests/p2pu/notifications/test_unsubscribe.py",
)


def pytest_configure(config):
    instants_from_test_now()  # a malformed TEST_NOW stops the run before any test


def pytest_collection_modifyitems(config, items):
    for item in items:
        path = item.path.relative_to(config.rootpath).as_posix()
        # The real Celery worker test reads no clock; per instant it would only start another worker.
        if path.startswith(CLOCK_SENSITIVE_PATHS) and item.get_closest_marker("redis") is None:
            item.add_marker(pytest.mark.clock)


def instants_from_test_now() -> list[dt.datetime]:
    """The instants TEST_NOW names, separated by spaces (ISO 8601 with a zone, e.g. 2026-11-29T23:30Z)."""
    instants = []
    for value in os.environ.get("TEST_NOW", "").split():
        try:
            instant = dt.datetime.fromisoformat(value)
        except ValueError:
            instant = None
        if instant is None or instant.tzinfo is None:
            raise pytest.UsageError(f"TEST_NOW={value} is not an instant with a zone, such as 2026-11-29T23:30Z")
        instants.append(instant)
    return instants


def pytest_generate_tests(metafunc):
    # With several instants, each test runs once at each of them, all in one session: one database set-up
    # and one set of workers for the whole matrix.
    instants = instants_from_test_now()
    if len(instants) > 1 and "clock_instant" in metafunc.fixturenames:
        metafunc.parametrize("clock_instant", instants, ids=[instant.isoformat() for instant in instants])


@pytest.fixture
def clock_instant() -> dt.datetime | None:
    """The instant every test starts at: TEST_NOW's, when it names one (several are parametrized)."""
    instants = instants_from_test_now()
    return instants[0] if instants else None


@pytest.fixture(autouse=True)
def _clock_at_test_now(clock_instant):
    """With TEST_NOW set, every test starts at its instant and the clock runs on from there.

    A test that travels or freezes to an instant of its own still does so inside.
    """
    if clock_instant is None:
        yield
        return
    with time_machine.travel(clock_instant, tick=True):
        yield


def pytest_collection_finish(session):
    # A transactional test flushes the database when it ends. Restoring what the migrations created
    # (Wagtail's root page, locale and collections, content types, groups) for every such test keeps
    # the tests that follow working, whichever order they run in; a flush without it would also
    # re-create content types that the next restore then collides with.
    for item in session.items:
        marker = item.get_closest_marker("django_db")
        transactional = (marker is not None and marker.kwargs.get("transaction")) or (
            {"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ()))
        )
        if transactional and not (marker is not None and marker.kwargs.get("serialized_rollback")):
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True), append=False)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: the site, its settings and other cached reads belong to the
    database of the test that cached them, which is rolled back; rate limits count in it too."""
    cache.clear()


@pytest.fixture
def page_cache_on(settings):
    """The page cache, shared fragments and shared data, which the test settings turn off."""
    settings.PAGE_CACHE_ENABLED = True


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's default language: a request in another language (the test client runs
    it in this thread) leaves that language active, as a running server would for its next request."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def site_tree(db):
    """The page tree seed_demo builds: a default site whose root is the home page."""
    from home.services import site_tree_ensure

    return site_tree_ensure()


@pytest.fixture
def home_page(site_tree):
    return site_tree.root_page.specific


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def other_user(db):
    return UserFactory()
