"""Optional error reporting to Sentry (or a compatible service): on only when a DSN is configured.

Sentry's defaults keep personal data (names, addresses, cookies) out of the reports; the test pins that."""

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration


def error_reporting_init(*, dsn: str, traces_sample_rate: float, environment: str) -> bool:
    """Start reporting unhandled errors of web requests and Celery tasks; False (and nothing started) without a DSN."""
    if not dsn:
        return False
    sentry_sdk.init(
        dsn=dsn,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        traces_sample_rate=traces_sample_rate,
        environment=environment,
    )
    return True
