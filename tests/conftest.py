"""Fixtures shared by the whole suite, and the CI rule that a skipped test fails the run."""

import os

import pytest

from tests.factories import UserFactory

_skipped_in_ci: list[str] = []


def pytest_runtest_logreport(report):
    if os.environ.get("CI") and report.skipped:
        _skipped_in_ci.append(f"{report.nodeid}: {report.longrepr[-1] if report.longrepr else ''}")


def pytest_sessionfinish(session, exitstatus):
    # CI must exercise the browser and service tests; a silent skip there hides a broken set-up.
    if _skipped_in_ci and exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter):
    if _skipped_in_ci:
        terminalreporter.section("skips are failures when CI is set")
        for line in _skipped_in_ci:
            terminalreporter.write_line(line)


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
