"""Production: refuses to start without a real SECRET_KEY; HTTPS everywhere."""

import os

from django.core.exceptions import ImproperlyConfigured

from p2pu.core.error_reporting import error_reporting_init
from p2pu.core.object_storage import bucket_origins, csp_sources_add, s3_storages

from .base import *  # noqa: F403
from .base import (
    CONTENT_SECURITY_POLICY,
    CSP_ADMIN_DIRECTIVES,
    DATABASES,
    PRIVATE_FILE_URL_SECONDS,
    SENTRY_DSN,
    SENTRY_TRACES_SAMPLE_RATE,
    SITE_URL,
    STORAGES,
    env_bool,
)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith(("dev-", "django-insecure")):
    raise ImproperlyConfigured("Set SECRET_KEY to a long random value (50+ characters) in production.")

DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# A load balancer probes over plain HTTP on the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
# Each process keeps its database connection between requests: without it every page opened its own, and
# on PostgreSQL that starts a server process per request. The connection is checked before reuse, so a
# restarted database costs one failed check rather than an error page.
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "60"))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Wagtail's live preview shows the page in a same-origin frame, so frames stay SAMEORIGIN.
X_FRAME_OPTIONS = "SAMEORIGIN"
SILENCED_SYSTEM_CHECKS = ["security.W019"]
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"
WAGTAILADMIN_BASE_URL = SITE_URL

# One JSON object a line, for the log collector.
LOG_JSON = env_bool("LOG_JSON", True)
LOGGING["handlers"]["console"]["formatter"] = "json" if LOG_JSON else "text"  # noqa: F405

error_reporting_init(
    dsn=SENTRY_DSN,
    traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE,
    environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
)

# Media on S3-compatible object storage when S3_BUCKET is set (credentials from AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY, as boto3 reads them): every web process and worker sees the same files.
S3_BUCKET = os.environ.get("S3_BUCKET", "")
if S3_BUCKET:
    S3_ENDPOINT_URL = os.environ.get("S3_ENDPOINT_URL", "")
    S3_REGION = os.environ.get("S3_REGION", "")
    STORAGES = {
        **STORAGES,
        **s3_storages(
            bucket=S3_BUCKET,
            endpoint_url=S3_ENDPOINT_URL,
            region=S3_REGION,
            # Empty for a bucket that grants public reads of media/ by a bucket policy instead of per-object ACLs;
            # that policy must leave out media/original_images/, media/images/ and media/documents/.
            media_acl=os.environ.get("S3_MEDIA_ACL", "public-read"),
            private_url_seconds=PRIVATE_FILE_URL_SECONDS,
        ),
    }
    # Pages show the bucket's images (a course's images by a signed redirect from /media/) and media.
    _bucket_origins = bucket_origins(bucket=S3_BUCKET, endpoint_url=S3_ENDPOINT_URL, region=S3_REGION)
    CONTENT_SECURITY_POLICY = {
        **CONTENT_SECURITY_POLICY,
        "DIRECTIVES": csp_sources_add(
            CONTENT_SECURITY_POLICY["DIRECTIVES"], names=("img-src", "media-src"), sources=_bucket_origins
        ),
    }
    CSP_ADMIN_DIRECTIVES = csp_sources_add(CSP_ADMIN_DIRECTIVES, names=("img-src",), sources=_bucket_origins)
