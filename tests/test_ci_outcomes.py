"""The CI rule (tests/ci_outcomes.py), checked on small pytest runs of its own.

Each run is a fresh pytest process with only that plugin: no Django, no xdist, no random order.
"""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def run(pytester, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")

    def run(source: str, *, ci: bool, beside: str = "def test_passes():\n    pass\n", args=()):
        if ci:
            monkeypatch.setenv("CI", "true")
        else:
            monkeypatch.delenv("CI", raising=False)
        pytester.makepyfile(test_sample=source, test_beside=beside)
        return pytester.runpytest_subprocess("-p", "tests.ci_outcomes", "-p", "no:cacheprovider", *args)

    return run


RUNTIME_SKIP = """
import pytest

def test_skips():
    pytest.skip("no Chromium here")
"""

COLLECTION_SKIP = """
import pytest

pytest.importorskip("a_module_nobody_installed")

def test_never_collected():
    pass
"""

MODULE_LEVEL_SKIP = """
import pytest

pytest.skip("whole module off", allow_module_level=True)

def test_never_collected():
    pass
"""

XFAILS = """
import pytest

@pytest.mark.xfail(reason="loose known bug")
def test_loose_xfail():
    assert False

@pytest.mark.xfail(reason="loose, fixed meanwhile")
def test_loose_xpass():
    pass

@pytest.mark.xfail(strict=True, reason="pinned known bug")
def test_strict_xfail():
    assert False
"""

STRICT_XFAIL_ONLY = """
import pytest

@pytest.mark.xfail(strict=True, reason="pinned known bug")
def test_strict_xfail():
    assert False
"""


def test_a_runtime_skip_fails_the_run_under_ci(run):
    result = run(RUNTIME_SKIP, ci=True)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["test_sample.py::test_skips: skipped (call): Skipped: no Chromium here"])


@pytest.mark.parametrize("source", [COLLECTION_SKIP, MODULE_LEVEL_SKIP], ids=["importorskip", "module-level-skip"])
def test_a_collection_skip_fails_the_run_under_ci(run, source):
    result = run(source, ci=True)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.assert_outcomes(passed=1, skipped=1)
    result.stdout.fnmatch_lines(["test_sample.py: skipped at collection: *"])


def test_loose_xfails_and_xpasses_fail_the_run_under_ci_and_strict_ones_do_not(run):
    result = run(XFAILS, ci=True)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.assert_outcomes(passed=1, xfailed=2, xpassed=1)
    summary = result.stdout.str().split("skips and non-strict xfails are failures when CI is set")[1]
    assert "test_loose_xfail: xfailed without strict=True: loose known bug" in summary
    assert "test_loose_xpass: xpassed without strict=True: loose, fixed meanwhile" in summary
    assert "test_strict_xfail" not in summary

    assert run(STRICT_XFAIL_ONLY, ci=True).ret == pytest.ExitCode.OK


def test_without_ci_skips_and_xfails_are_allowed(run):
    assert run(RUNTIME_SKIP, ci=False).ret == pytest.ExitCode.OK
    assert run(COLLECTION_SKIP, ci=False).ret == pytest.ExitCode.OK
    assert run(MODULE_LEVEL_SKIP, ci=False).ret == pytest.ExitCode.OK
    assert run(XFAILS, ci=False).ret == pytest.ExitCode.OK


def test_under_xdist_the_workers_skips_reach_the_rule(run):
    result = run(COLLECTION_SKIP, beside=RUNTIME_SKIP, ci=True, args=("-p", "xdist.plugin", "-n", "2"))
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines_random(
        ["test_sample.py: skipped at collection: *", "test_beside.py::test_skips: skipped (call): *"]
    )
