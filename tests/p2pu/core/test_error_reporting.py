"""Errors go to Sentry only when SENTRY_DSN is set, with Django's and Celery's integrations and no personal data."""

import sentry_sdk

from p2pu.core.error_reporting import error_reporting_init


def test_without_a_dsn_nothing_is_reported():
    assert error_reporting_init(dsn="", traces_sample_rate=0, environment="test") is False
    assert not sentry_sdk.get_client().is_active()


def test_with_a_dsn_errors_are_captured_without_personal_data():
    events = []
    try:
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
    finally:
        sentry_sdk.init(dsn=None)
