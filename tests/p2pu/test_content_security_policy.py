"""The Content-Security-Policy header: strict on the public site, Wagtail's admin under its own, and
violation reports logged (rate-limited, nothing stored)."""

import json
import logging

import pytest
from django.core.cache import cache

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in header.split(";") if part.strip())}


def test_public_pages_allow_only_the_sites_own_script_and_style(client, home_page):
    policy = directives(client.get("/"))
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["report-uri"] == ["/csp-report/"]
    assert not any("nonce-" in value for values in policy.values() for value in values)


def test_every_response_carries_a_policy_even_errors_and_redirects(client, home_page):
    for path in ("/no-such-page/", "/me/", "/circles/"):
        assert "script-src 'self'" in client.get(path)["Content-Security-Policy"], path


@pytest.mark.parametrize("path", ["/admin/login/", "/django-admin/login/"])
def test_the_admins_get_their_own_looser_policy(client, path):
    policy = directives(client.get(path))
    assert "'unsafe-inline'" in policy["script-src"]
    assert policy["object-src"] == ["'none'"]
    assert policy["report-uri"] == ["/csp-report/"]


def test_a_violation_report_is_logged_and_stored_nowhere(client, caplog, django_assert_num_queries):
    report = {
        "csp-report": {
            "document-uri": "http://testserver/circles/",
            "violated-directive": "script-src-elem",
            "blocked-uri": "inline",
            "script-sample": "secret text a visitor typed",
        }
    }
    with caplog.at_level(logging.WARNING, logger="p2pu.csp"), django_assert_num_queries(0):
        response = client.post("/csp-report/", json.dumps(report), content_type="application/csp-report")
    assert response.status_code == 204
    (record,) = caplog.records
    assert "script-src-elem" in record.getMessage() and "/circles/" in record.getMessage()
    assert "secret text" not in record.getMessage()


def test_reports_in_the_reporting_api_format_are_read_too(client, caplog):
    body = {"documentURL": "http://testserver/", "effectiveDirective": "img-src"}
    reports = [{"type": "csp-violation", "body": body}]
    with caplog.at_level(logging.WARNING, logger="p2pu.csp"):
        client.post("/csp-report/", json.dumps(reports), content_type="application/reports+json")
    assert "img-src" in caplog.records[0].getMessage()


def test_reports_are_rate_limited_per_address(client, settings, caplog):
    cache.clear()
    settings.CSP_REPORT_RATE = (3, 60)
    body = json.dumps({"csp-report": {"violated-directive": "script-src"}})
    with caplog.at_level(logging.WARNING, logger="p2pu.csp"):
        statuses = [
            client.post("/csp-report/", body, content_type="application/csp-report").status_code for _ in range(5)
        ]
    assert statuses == [204, 204, 204, 429, 429]
    assert len(caplog.records) == 3


def test_junk_and_oversized_reports_are_refused_quietly(client, caplog):
    cache.clear()
    with caplog.at_level(logging.WARNING, logger="p2pu.csp"):
        assert client.post("/csp-report/", "not json", content_type="application/csp-report").status_code == 204
        assert client.post("/csp-report/", "[1, 2]", content_type="application/csp-report").status_code == 204
        huge = json.dumps({"csp-report": {"x": "a" * 20_000}})
        assert client.post("/csp-report/", huge, content_type="application/csp-report").status_code == 413
    assert caplog.records == []
    assert client.get("/csp-report/").status_code == 405
