"""Under CI, a test that did not run (or did not run as written) fails the run.

CI must exercise the browser and service tests; a silent skip there hides a broken set-up. So when the
CI environment variable is set:

- a skip fails the run, whether raised while the test ran, in a fixture, or at collection
  (`pytest.skip(allow_module_level=True)`, `pytest.importorskip`);
- a non-strict xfail fails it too, whether the test failed (xfailed) or passed (xpassed): a known bug
  is pinned with `@pytest.mark.xfail(strict=True)`, which pytest itself fails the moment the bug is
  fixed, so CI still sees every change of outcome. A strict xfail that fails as expected is accepted.

Locally (CI unset) skips and xfails are reported as usual. Loaded by tests/conftest.py; a plain module
so that tests/test_ci_outcomes.py can load it into the pytest runs it starts. PYTEST_DONT_REWRITE: it
holds no asserts, and tests/conftest.py imports it before pytest loads it as a plugin.
"""

import os

import pytest


def ci_is_set() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    # The report crosses from an xdist worker to the controller, which no longer has the item: carry
    # whether the test's xfail is strict on the report itself.
    marker = item.get_closest_marker("xfail")
    if marker is not None:
        report.xfail_strict = bool(marker.kwargs.get("strict", item.config.getini("xfail_strict")))
    return report


def pytest_configure(config):
    # The xdist controller sees every worker's reports and decides the exit status; workers need not.
    if ci_is_set() and not hasattr(config, "workerinput"):
        config.pluginmanager.register(NotRunFailsCI(), "not-run-fails-ci")


def _skip_reason(report) -> str:
    # A skip's longrepr is (path, line, reason); anything else is shown as pytest would print it.
    if isinstance(report.longrepr, tuple):
        return str(report.longrepr[-1])
    lines = str(report.longrepr or "").strip().splitlines()
    return lines[-1] if lines else ""


class NotRunFailsCI:
    def __init__(self):
        self.not_run: dict[str, str] = {}

    def pytest_collectreport(self, report):
        if report.skipped:
            self.not_run[report.nodeid or "(collection)"] = f"skipped at collection: {_skip_reason(report)}"

    def pytest_runtest_logreport(self, report):
        xfail_reason = getattr(report, "wasxfail", None)
        if xfail_reason is not None:
            if not report.failed and not getattr(report, "xfail_strict", False):
                outcome = "xpassed" if report.passed else "xfailed"
                self.not_run[report.nodeid] = f"{outcome} without strict=True: {xfail_reason}"
        elif report.skipped:
            self.not_run[report.nodeid] = f"skipped ({report.when}): {_skip_reason(report)}"

    def pytest_sessionfinish(self, session, exitstatus):
        if self.not_run and exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter):
        if self.not_run:
            terminalreporter.section("skips and non-strict xfails are failures when CI is set")
            for nodeid, why in self.not_run.items():
                terminalreporter.write_line(f"{nodeid}: {why}")
