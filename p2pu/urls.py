from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from cohorts.views import public as public_circles
from courses import files as course_files
from courses.cache_tags import PAGES_TAG
from home import csp_reports
from home import views as home_views
from home.sitemaps import LanguageAlternatesSitemap
from p2pu.accounts import views as accounts_views
from p2pu.core import health
from p2pu.core.page_cache import cached_for_anonymous

from .api import api_router

urlpatterns = [
    # For load balancers: outside every other prefix, never cached, no session.
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include("allauth.urls")),
    # The language switcher (Django's set_language, plus the profile for signed-in people) and the
    # JavaScript translation catalogue; no language prefix in any URL (README "Languages").
    path("i18n/setlang/", accounts_views.language_set, name="set_language"),
    path(
        "i18n/js/",
        cached_for_anonymous()(JavaScriptCatalog.as_view()),
        name="javascript_catalog",
    ),
    path("", include("p2pu.accounts.urls")),
    path("notifications/", include("p2pu.notifications.urls")),
    path("circles/", include("cohorts.urls")),
    path("me/", include("cohorts.my_learning_urls")),
    path("orgs/<slug:slug>/dashboard/", include("cohorts.organisations.dashboard.urls")),
    path("orgs/", include("cohorts.organisations.urls")),
    # Authoring pages under /courses/; anything they do not match falls through to the Wagtail pages.
    path("courses/", include("courses.urls")),
    path("search/", home_views.search, name="search"),
    # Circles are not pages: a view of their own beside Wagtail's endpoints, answering in the same shape.
    path("api/v2/circles/", public_circles.circles_api, name="circles_api"),
    path("api/v2/", api_router.urls),
    path("embed/circles/", public_circles.circles_embed, name="circles_embed"),
    path(
        "sitemap.xml",
        cached_for_anonymous(PAGES_TAG)(sitemap),
        {"sitemaps": {"wagtail": LanguageAlternatesSitemap}},
        name="sitemap",
    ),
    path("oai/", include("courses.oai.urls")),
    path("csp-report/", csp_reports.csp_report, name="csp_report"),
]

# Images under MEDIA_ROOT go through a permission check in every settings module (courses.files):
# a front server must not serve MEDIA_ROOT itself.
urlpatterns += [path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", course_files.media_file, name="media_file")]

# Wagtail's page serving catches everything else, so it comes last.
urlpatterns += [path("", include(wagtail_urls))]

handler404 = "home.views.page_not_found"
handler500 = "home.views.server_error"
