"""Errors go to Sentry only when SENTRY_DSN is set, with Django's and Celery's integrations and no personal data.

Starting Sentry patches Django, Celery and threading for the whole process, so the test with a DSN runs in
a process of its own and leaves the test run's process as it found it.
"""

import subprocess
import sys
from pathlib import Path

import sentry_sdk

from p2pu.core.error_reporting import error_reporting_init

WITH_A_DSN = """
import sentry_sdk
from p2pu.core.error_reporting import error_reporting_init

events = []
assert error_reporting_init(dsn="https://public@127.0.0.1/1", traces_sample_rate=0, environment="test")
client = sentry_sdk.get_client()
assert client.is_active()
assert not client.options["send_default_pii"]
assert {"django", "celery"} <= set(client.integrations)
client.transport.capture_envelope = events.append
try:
    raise RuntimeError("boom")
except RuntimeError as error:
    sentry_sdk.capture_exception(error)
sentry_sdk.flush()
assert events and events[0].get_event()["exception"]["values"][0]["value"] == "boom"
print("reported")
"""


def test_without_a_dsn_nothing_is_reported():
    assert error_reporting_init(dsn="", traces_sample_rate=0, environment="test") is False
    assert not sentry_sdk.get_client().is_active()


def test_with_a_dsn_errors_are_captured_without_personal_data():
    root = Path(__file__).resolve().parents[3]
    result = subprocess.run(
        [sys.executable, "-c", WITH_A_DSN], cwd=root, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "reported"
