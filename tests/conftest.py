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
