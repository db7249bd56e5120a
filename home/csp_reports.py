"""Where browsers report Content-Security-Policy violations (``report-uri`` of both policies): logged, not stored.

Anyone can post here, so the view reads at most ``CSP_REPORT_MAX_BYTES``, logs only the fields that say
what was blocked where, and is rate-limited per client address (``CSP_REPORT_RATE``): past the limit it
answers 429 and logs nothing, so nobody can flood the log through it.
"""

import json
import logging

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from p2pu.core.rate_limits import RateLimit

logger = logging.getLogger("p2pu.csp")

REPORT_RATE = RateLimit("csp.report", setting="CSP_REPORT_RATE")
#: What a report says about the violation (report-uri's "csp-report" and the Reporting API's "body").
LOGGED_FIELDS = (
    "document-uri",
    "documentURL",
    "violated-directive",
    "effective-directive",
    "effectiveDirective",
    "blocked-uri",
    "blockedURL",
    "source-file",
    "sourceFile",
    "line-number",
    "lineNumber",
    "disposition",
)


def violations_in(body: bytes) -> list[dict]:
    """The violations a report body holds, whichever of the two report formats the browser used."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return []
    items = data if isinstance(data, list) else [data]
    violations = []
    for item in items:
        if not isinstance(item, dict):
            continue
        violation = item.get("csp-report") or item.get("body")
        if isinstance(violation, dict):
            violations.append({key: str(violation[key])[:500] for key in LOGGED_FIELDS if key in violation})
    return violations


def refused_quietly(status: int) -> HttpResponse:
    response = HttpResponse(status=status)
    # Django logs every 4xx answer; a flood of refused reports must not become a flood of log lines.
    response._has_been_logged = True
    return response


@csrf_exempt  # browsers post reports without a token
@require_POST
def csp_report(request):
    if not REPORT_RATE.hit(request.META.get("REMOTE_ADDR", "")):
        return refused_quietly(429)
    body = request.read(settings.CSP_REPORT_MAX_BYTES + 1)
    if len(body) > settings.CSP_REPORT_MAX_BYTES:
        return refused_quietly(413)
    for violation in violations_in(body):
        logger.warning("Content-Security-Policy violation: %s", json.dumps(violation, sort_keys=True))
    return HttpResponse(status=204)
