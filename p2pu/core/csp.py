"""The Content-Security-Policy of every response: the site's strict one, and a looser one for the admins.

Public pages run only the site's own script files (no inline script, no ``eval``), so the policy needs
no per-response nonce and a cached page stays valid for every visitor. Wagtail's and Django's admins
use inline script and style of their own, so paths under ``CSP_ADMIN_PATH_PREFIXES`` get
``CSP_ADMIN_DIRECTIVES`` instead. Both send violation reports to ``CSP_REPORT_URL``, which logs them.
"""

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings


class SitePolicyMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and parts.config is None and request.path_info.startswith(settings.CSP_ADMIN_PATH_PREFIXES):
            parts.config = settings.CSP_ADMIN_DIRECTIVES
        return parts
