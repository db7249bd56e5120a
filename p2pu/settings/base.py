"""Settings shared by every environment, read from the environment with embedded defaults.

Unset variables mean the embedded default: SQLite under ``var/``, no Redis (Celery uses
kombu's filesystem transport), e-mail printed to the console.
"""

import os
from pathlib import Path

import dj_database_url
import dj_email_url
from celery.schedules import crontab
from csp.constants import NONE, SELF, UNSAFE_EVAL, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
SITE_URL = os.environ.get("SITE_URL", f"http://127.0.0.1:{os.environ.get('PORT', '8000')}").rstrip("/")
CSRF_TRUSTED_ORIGINS = [SITE_URL]
# The site's name wherever code or e-mail writes it out (pages prefer the name in the editable site settings).
WAGTAIL_SITE_NAME = "Learning Commons"

# Applications: Django, then third-party, then local.
DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
]
THIRD_PARTY_APPS = [
    "wagtail.contrib.settings",
    "wagtail.contrib.redirects",
    "wagtail.contrib.sitemaps",
    # Courses in several languages: a translation is a copy of the course in another locale, linked by
    # its translation_key (see "Courses in several languages" in the README).
    "wagtail.contrib.simple_translation",
    "wagtail.locales",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.api.v2",
    "wagtail",
    "rest_framework",
    "modelcluster",
    "taggit",
    "django_filters",
    "allauth",
    "allauth.account",
]
LOCAL_APPS = [
    "p2pu.accounts",
    "p2pu.notifications",
    "p2pu.audit",
    "courses",
    "cohorts",
    "home",
]
INSTALLED_APPS = LOCAL_APPS + DJANGO_APPS + THIRD_PARTY_APPS

MIDDLEWARE = [
    # First, so every log line of the request (the other middleware's too) carries its id.
    "p2pu.core.request_ids.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every response (see "Content Security Policy" at the end).
    "p2pu.core.csp.SitePolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The page cache stores finished responses (it sees their cookies) and answers after the language
    # and time zone are known (they are part of its key): see p2pu.core.page_cache.
    "p2pu.core.page_cache.PageCacheStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "home.sites.CachedSiteMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "p2pu.accounts.middleware.TimezoneMiddleware",
    # ?lang=xx and the signed-in person's profile language override what LocaleMiddleware chose.
    "p2pu.accounts.middleware.LanguageMiddleware",
    "p2pu.core.page_cache.PageCacheFetchMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Course authoring: Wagtail's reports and some page views reach past a learner author's own course.
    "courses.middleware.LearnerAuthorsOutOfReportsMiddleware",
    "courses.middleware.LearnerAuthorsToTheirPagesMiddleware",
    # A rate-limit refusal that escapes a view answers 429 (JSON for JSON clients), never 500.
    "p2pu.core.middleware.RateLimitedMiddleware",
]

# Sessions read from the cache, falling back to the database: no session query on most requests.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

ROOT_URLCONF = "p2pu.urls"
WSGI_APPLICATION = "p2pu.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "p2pu.notifications.context_processors.unread_notifications",
                "p2pu.core.context_processors.default_site_name",
                "p2pu.core.context_processors.language_alternates",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL says otherwise.
if not os.environ.get("DATABASE_URL"):
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "my_learning:index"

# django-allauth: log in by e-mail, mandatory verification, allauth's rate limits (on by default).
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
# Tell people by e-mail when their password or e-mail address changes.
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{WAGTAIL_SITE_NAME}] "
ACCOUNT_ADAPTER = "p2pu.accounts.adapters.AccountAdapter"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"

# Internationalisation: stored in UTC, shown in the viewer's time zone.
# The interface's languages (README "Languages"). URLs carry no language prefix: the language comes from
# ?lang=xx (hreflang alternates), the signed-in person's profile, the language cookie, then Accept-Language
# (LocaleMiddleware, then p2pu.accounts.middleware.LanguageMiddleware once the person is known).
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("es", _("Spanish")),
    ("fr", _("French")),
    ("ar", _("Arabic")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
#: The query parameter that picks a page's language (the hreflang alternates link to it).
LANGUAGE_QUERY_PARAMETER = "lang"
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# Content in several languages: each interface language is a Wagtail locale a course can be translated into.
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES

# Static and media files, served by whitenoise (no CDN: the site works offline).
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# E-mail: EMAIL_URL (smtp://user:pass@host:port, console:, ...) or the console.
EMAIL_CONFIG = dj_email_url.parse(os.environ.get("EMAIL_URL", "console:"))
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", f"{WAGTAIL_SITE_NAME} <noreply@learning-commons.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Redis when REDIS_URL is set; otherwise a local-memory cache and a server-less broker.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "p2pu.core.redis_cache.RedisCache", "LOCATION": REDIS_URL}}
    CELERY_BROKER_URL = REDIS_URL
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(VAR_DIR / "celery" / "queue"),
        "data_folder_out": str(VAR_DIR / "celery" / "queue"),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "store_processed": False,
    }
    # Anything may queue a task before a worker has started (seeding, the first sign-up).
    for _folder in ("queue", "processed"):
        (VAR_DIR / "celery" / _folder).mkdir(parents=True, exist_ok=True)

# Celery: JSON only; no result backend (tasks report through the database).
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "UTC"
# Graceful shutdown without losing work: a task is acknowledged only once it has finished, and one whose
# worker died under it goes back to the queue. Every task is idempotent (dedupe keys, e-mail claims,
# sweeps that skip what is done), so running one twice does no harm; README "Deploying at scale" lists them.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celery" / "beat-schedule")
# The beat schedule lives in code; each app adds its jobs here.
CELERY_BEAT_SCHEDULE = {
    # E-mail whose worker died mid-send, or whose task never reached the broker, is queued again.
    "notifications-requeue-stalled-emails": {
        "task": "p2pu.notifications.tasks.requeue_stalled_emails",
        "schedule": crontab(minute="*/5"),
    },
    # Data downloads whose link has expired are deleted, files and all.
    "accounts-data-exports-expire": {
        "task": "p2pu.accounts.tasks.expire_data_exports",
        "schedule": crontab(minute=30),
    },
    "notifications-daily-digest": {
        "task": "p2pu.notifications.tasks.send_daily_digests",
        # Hourly: each person's digest goes out soon after NOTIFICATION_DIGEST_HOUR in their own time zone.
        "schedule": crontab(minute=0),
    },
    # Study circles: reminders 24 h and 1 h ahead (every 5 minutes keeps the 1-hour one on time),
    # life-cycle moves, feedback prompts after meetings, a waitlist sweep, and the weekly facilitator digest
    # (hourly: each facilitator's leaves soon after FACILITATOR_DIGEST_HOUR on their weekday, in their zone).
    "cohorts-meeting-reminders": {
        "task": "cohorts.tasks.send_meeting_reminders",
        "schedule": crontab(minute="*/5"),
    },
    "cohorts-life-cycles": {
        "task": "cohorts.tasks.advance_circle_life_cycles",
        "schedule": crontab(minute="*/5"),
    },
    "cohorts-feedback-prompts": {
        "task": "cohorts.tasks.send_feedback_prompts",
        "schedule": crontab(minute="*/15"),
    },
    "cohorts-waitlist-sweep": {
        "task": "cohorts.tasks.promote_waitlists",
        "schedule": crontab(minute="*/15"),
    },
    # Members of circles that finished are asked how it went: at once when a circle finishes, and by this
    # sweep for any ask that never reached the broker (each person is asked once).
    "cohorts-end-surveys": {
        "task": "cohorts.surveys.tasks.ask_due_end_surveys",
        "schedule": crontab(minute=45),
    },
    "cohorts-facilitator-digest": {
        "task": "cohorts.tasks.send_facilitator_digests",
        "schedule": crontab(minute=0),
    },
    # Peer review: hand out reviews at passed deadlines, return expired rolling leases to the queue,
    # remind reviewers a day ahead, and alert facilitators about work stuck short of reviews.
    "review-allocate-at-deadlines": {
        "task": "cohorts.review.tasks.allocate_due_reviews",
        "schedule": crontab(minute="*/5"),
    },
    "review-expire-leases": {
        "task": "cohorts.review.tasks.expire_review_leases",
        "schedule": crontab(minute="*/15"),
    },
    "review-reminders": {
        "task": "cohorts.review.tasks.send_review_reminders",
        "schedule": crontab(minute="*/15"),
    },
    "review-stuck-submissions": {
        "task": "cohorts.review.tasks.alert_stuck_submissions",
        "schedule": crontab(minute=30),
    },
}

# Wagtail (WAGTAIL_SITE_NAME is set at the top: e-mail settings use it too)
WAGTAILADMIN_BASE_URL = SITE_URL
# On PostgreSQL each page is indexed with its language's stemming and a query read in every shipped
# language (p2pu.core.search_backends); pages in no stemmed language, words as written ("simple").
# Elsewhere Wagtail's database backend, words as written.
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "p2pu.core.search_backends", "SEARCH_CONFIG": "simple"}}
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_WORKFLOW_ENABLED = True
WAGTAIL_MODERATION_ENABLED = True
WAGTAILADMIN_COMMENTS_ENABLED = True
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "txt", "xlsx", "zip", "epub", "md"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILEMBEDS_RESPONSIVE_HTML = True
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
WAGTAILAPI_BASE_URL = SITE_URL
WAGTAILAPI_LIMIT_MAX = 100
REST_FRAMEWORK = {"DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]}

# Course authoring: learner authors write in the Wagtail admin (see courses.permissions).
# Drafts save themselves shortly after each change (milliseconds; 0 would turn autosave off), and
# people editing the same page see each other (ping interval in milliseconds).
WAGTAIL_AUTOSAVE_INTERVAL = 500
WAGTAIL_EDITING_SESSION_PING_INTERVAL = 10_000
# An approved course review publishes by itself: course maintainers hold no "publish" permission.
WAGTAIL_FINISH_WORKFLOW_ACTION = "courses.workflow_actions.publish_workflow_state"
# Admin page search lists only pages the person may explore (Wagtail's default, pinned on purpose).
WAGTAILADMIN_PAGE_SEARCH_FILTER_BY_PERMISSIONS = True
# No Gravatar images in the admin: the site works offline and tells no third party who edits.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# Signed links (unsubscribe, invitations) expire after this many seconds unless a view says otherwise.
SIGNED_LINK_MAX_AGE = 60 * 60 * 24 * 30

# Logs: one JSON object a line when LOG_JSON is on (production's default), each with the request id
# (p2pu.core.request_ids) that web requests and the Celery tasks they queue share.
LOG_JSON = env_bool("LOG_JSON", False)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "p2pu.core.request_ids.RequestIdLogFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(process)d",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if LOG_JSON else "text",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
# Workers log through the same configuration instead of Celery's own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Notifications
# The daily digest leaves soon after this hour (0–23) in each person's own time zone (the beat job runs hourly).
NOTIFICATION_DIGEST_HOUR = 7
# E-mail tasks retry a mail server's transient failures this many times, waiting a random time up to
# BACKOFF seconds, then doubling, at most BACKOFF_MAX seconds apart; the last failure marks the e-mail failed.
NOTIFICATION_EMAIL_MAX_RETRIES = 6
NOTIFICATION_EMAIL_RETRY_BACKOFF = 30
NOTIFICATION_EMAIL_RETRY_BACKOFF_MAX = 60 * 60
# Seconds an e-mail task may run before its worker process is killed (a hung mail server), and the age in
# seconds after which an e-mail still "sending", or "pending" with no task queued, is queued again by the
# sweep (every 5 minutes). The age must exceed the time limit: no live worker may still be sending it.
NOTIFICATION_EMAIL_TIME_LIMIT = int(os.environ.get("NOTIFICATION_EMAIL_TIME_LIMIT", "300"))
NOTIFICATION_EMAIL_STALLED_AFTER = int(os.environ.get("NOTIFICATION_EMAIL_STALLED_AFTER", str(15 * 60)))
# Notifications listed per page on the notifications page.
NOTIFICATIONS_PER_PAGE = 20
# Scheduled jobs queue their immediate e-mails this many to a task (one broker message per batch).
NOTIFICATION_EMAIL_BATCH = int(os.environ.get("NOTIFICATION_EMAIL_BATCH", "100"))

# Study circles
# The longest an invitation link may live, in days (its signature's age check enforces it too).
INVITE_LINK_MAX_DAYS = 30
# Members are reminded of a meeting this many hours before it starts, once per lead (1 reads “in an
# hour”, 24 “tomorrow”).
MEETING_REMINDER_LEAD_HOURS = (1, 24)
# Members are asked for feedback on a meeting that ended within this many hours.
MEETING_FEEDBACK_PROMPT_HOURS = 48
# The facilitators' weekly digest leaves on this weekday (0 = Monday … 6 = Sunday), from this hour
# on, in each facilitator's own time zone (the beat job runs hourly).
FACILITATOR_DIGEST_WEEKDAY = 0
FACILITATOR_DIGEST_HOUR = 7
# When a circle finishes, its members are asked how it went; they may answer, and change their answers,
# for this many days (counted from the moment it finished).
END_SURVEY_OPEN_DAYS = 30

# Peer review
# How long a rolling-review lease lasts before its work goes back to the queue.
REVIEW_LEASE_HOURS = int(os.environ.get("REVIEW_LEASE_HOURS", "48"))
# How long before a review is due its reviewer is reminded (once).
REVIEW_REMINDER_LEAD_HOURS = int(os.environ.get("REVIEW_REMINDER_LEAD_HOURS", "24"))

# Discussions (cohorts.discussions): a circle's threads, replies, mentions and moderation.
DISCUSSION_POST_MAX_CHARS = 10_000
# Authors may change a post for this many minutes after writing it; afterwards it stays as it was.
DISCUSSION_EDIT_GRACE_MINUTES = int(os.environ.get("DISCUSSION_EDIT_GRACE_MINUTES", "30"))
DISCUSSION_POSTS_PER_PAGE = 25
DISCUSSION_THREADS_PER_PAGE = 25
# Rate limits, as (how many, per how many seconds): posts and flags per person, and the discussion
# notifications any one person receives (beyond it they are dropped; the posts still show on the site).
DISCUSSION_POST_RATE = (20, 10 * 60)
DISCUSSION_FLAG_RATE = (10, 60 * 60)
DISCUSSION_NOTIFY_RATE = (30, 60 * 60)
# Images attached to a post: at most this many, each at most this size.
DISCUSSION_ATTACHMENTS_PER_POST = 4
DISCUSSION_ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024

# Open formats (courses.exports, courses.oai): OAI-PMH harvesting.
#: Records in one OAI-PMH list response; a harvester follows resumption tokens for the rest.
OAI_PMH_PAGE_SIZE = 200
#: Seconds a resumption token stays valid.
OAI_PMH_TOKEN_MAX_AGE = 60 * 60 * 24
#: The contact that OAI-PMH Identify names.
OAI_PMH_ADMIN_EMAIL = os.environ.get("OAI_PMH_ADMIN_EMAIL", "oai@learning-commons.example.org")
# WeasyPrint reports every rendering step at INFO; a PDF export would fill the log with them.
LOGGING["loggers"]["weasyprint.progress"] = {"level": "WARNING"}
#: Course import (courses.imports): the largest upload, and limits that refuse zip bombs and huge images.
IMPORT_MAX_UPLOAD_BYTES = 30 * 1024 * 1024
IMPORT_MAX_UNPACKED_BYTES = 200 * 1024 * 1024
IMPORT_MAX_COMPRESSION_RATIO = 100
IMPORT_MAX_FILES = 5000
IMPORT_MAX_IMAGE_PIXELS = 40_000_000

# Concurrency on SQLite (the embedded default). A write transaction takes SQLite's write lock when it
# begins (IMMEDIATE), so two requests never both read and then fail to upgrade to writing ("database is
# locked"); a writer that finds the lock taken waits up to this many seconds instead of failing. The
# lock serialises writers, which is what select_for_update does on PostgreSQL.
SQLITE_BUSY_TIMEOUT_SECONDS = float(os.environ.get("SQLITE_BUSY_TIMEOUT_SECONDS", "20"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": SQLITE_BUSY_TIMEOUT_SECONDS}
    )

# Content Security Policy (django-csp; p2pu.core.csp). Public pages run only the site's own script and
# style files: no inline script, no eval, no per-response nonce (cached pages are shared by visitors).
# Embedded media from other sites (Wagtail embeds) may be framed over HTTPS. Reports are logged
# (home.csp_reports), at most CSP_REPORT_RATE = (how many, per how many seconds) per client address.
CSP_REPORT_URL = "/csp-report/"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "media-src": [SELF],
        "frame-src": [SELF, "https:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "report-uri": CSP_REPORT_URL,
    }
}
# Wagtail's and Django's admins rely on inline script and style (and Wagtail's editor on eval-free but
# blob: workers and data: images): their own, looser policy on these paths.
CSP_ADMIN_PATH_PREFIXES = ("/admin/", "/django-admin/")
CSP_ADMIN_DIRECTIVES = {
    "default-src": [SELF],
    "script-src": [SELF, UNSAFE_INLINE, UNSAFE_EVAL],
    "style-src": [SELF, UNSAFE_INLINE],
    "img-src": [SELF, "data:", "blob:"],
    "font-src": [SELF, "data:"],
    "connect-src": [SELF],
    "worker-src": [SELF, "blob:"],
    "frame-src": [SELF, "https:"],
    "object-src": [NONE],
    "base-uri": [SELF],
    "form-action": [SELF],
    "report-uri": CSP_REPORT_URL,
}
# The embeddable list of circles (/embed/circles/) may be framed by these sites ("*": any site), as its
# frame-ancestors; every other page keeps refusing to be framed (X-Frame-Options).
EMBED_FRAME_ANCESTORS = [
    source.strip() for source in os.environ.get("EMBED_FRAME_ANCESTORS", "*").split(",") if source.strip()
]
CSP_REPORT_RATE = (60, 60)
CSP_REPORT_MAX_BYTES = 16 * 1024
# Messages to other people (p2pu.core.rate_limits): every action that notifies someone else counts against
# the sender's allowance and each recipient's, as (how many, per how many seconds); a "no" starts a wait in
# seconds. They count in the default cache (Redis in production), which allauth's rate limits share.
_DAY = 24 * 60 * 60
CIRCLE_INVITE_SEND_RATE = (30, _DAY)
CIRCLE_INVITE_RECEIVE_RATE = (5, _DAY)
JOIN_REQUEST_SEND_RATE = (10, _DAY)
JOIN_REQUEST_CIRCLE_RATE = (2, _DAY)
JOIN_REQUEST_RECEIVE_RATE = (30, _DAY)
CIRCLE_MESSAGE_SEND_RATE = (10, _DAY)
CIRCLE_MESSAGE_CIRCLE_RATE = (10, _DAY)
CIRCLE_CHANGE_NOTIFY_RATE = (10, _DAY)
REVIEW_FLAG_SEND_RATE = (10, 60 * 60)
# Course ratings: flags on reviews per person, notices (a flag, a reply) per recipient, replies per maintainer.
COURSE_RATING_FLAG_SEND_RATE = (10, 60 * 60)
COURSE_RATING_NOTIFY_RATE = (20, 60 * 60)
COURSE_RATING_REPLY_RATE = (30, 60 * 60)
REVIEW_FLAG_RECEIVE_RATE = (30, 60 * 60)
COURSE_INVITE_SEND_RATE = (20, _DAY)
COURSE_INVITE_RECEIVE_RATE = (3, _DAY)
COURSE_REVIEW_REQUEST_SEND_RATE = (10, _DAY)
COURSE_REVIEW_REQUEST_RECEIVE_RATE = (30, _DAY)
INVITE_DECLINED_COOLDOWN = 30 * _DAY
ORGANISATION_INVITE_SEND_RATE = (30, _DAY)
ORGANISATION_INVITE_RECEIVE_RATE = (3, _DAY)
ORGANISATION_JOIN_REQUEST_SEND_RATE = (5, _DAY)
ORGANISATION_JOIN_REQUEST_RECEIVE_RATE = (30, _DAY)
# Operations (p2pu.core.health, p2pu.core.monitoring, p2pu.core.beat)
#: Seconds /readyz waits for the broker before calling it unreachable.
READYZ_BROKER_TIMEOUT = float(os.environ.get("READYZ_BROKER_TIMEOUT", "2"))
#: Recent task failures kept for /readyz and the admin panel.
TASK_FAILURES_KEPT = 50
#: Error reports go to Sentry when SENTRY_DSN is set; the share of requests traced for performance.
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
SENTRY_TRACES_SAMPLE_RATE = float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0"))
#: Signed links to private files in object storage (submissions, attachments) expire after this many seconds.
PRIVATE_FILE_URL_SECONDS = int(os.environ.get("PRIVATE_FILE_URL_SECONDS", "300"))
#: Celery beat: every beat started shares this Redis lock and only its holder sends the schedule.
CELERY_BEAT_SCHEDULER = "p2pu.core.beat:SingleBeatScheduler"
BEAT_LOCK_URL = os.environ.get("BEAT_LOCK_URL", REDIS_URL)
BEAT_LOCK_KEY = "celery:beat-lock"
#: A beat that stops without releasing the lock (killed) is replaced within this many seconds.
BEAT_LOCK_SECONDS = 60
# Data rights (p2pu.accounts, p2pu.audit): downloading one's data, deleting one's account.
#: Seconds a "Download my data" link stays valid after the ZIP is built.
DATA_EXPORT_LINK_MAX_AGE = int(os.environ.get("DATA_EXPORT_LINK_MAX_AGE", str(7 * 24 * 60 * 60)))
#: Deleting one's account asks for the password again unless the person signed in this many seconds ago.
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
# Peer review: inline comments on passages, final scores and appeals (cohorts.review).
# Rate limits, as (how many, per how many seconds): inline comments and replies per person, flags on
# them per person, and the review notifications of these kinds any one person receives (beyond it they
# are dropped; everything still shows on the site).
REVIEW_COMMENT_RATE = (30, 10 * 60)
REVIEW_COMMENT_FLAG_RATE = (10, 60 * 60)
REVIEW_NOTIFY_RATE = (30, 60 * 60)
# Page cache for anonymous visitors (p2pu.core.page_cache). Events purge cached pages exactly; this
# bounds only how long a page shows times relative to now ("next meeting") before it is rendered again.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "300"))
PAGE_CACHE_ENABLED = True
