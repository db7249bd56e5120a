"""The Wagtail site, its root page, its settings and the locales, read from the cache instead of the
database on every request.

Wagtail looks the site up per request (by host and port), routes from the site's root page in the active
locale (a locale lookup, then the root page's own fields) and reads the site settings per request; all
change rarely, so they are kept in the default cache under a version that any save or delete of a site,
its settings, a locale, or a publish of a site's root page, replaces.
"""

import secrets

from django.conf import settings
from django.core.cache import cache
from django.http.request import split_domain_port
from django.utils.translation import get_language
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale

_VERSION_KEY = "wagtail-sites:version"
#: Entries also expire, so a deploy that changes the models never reads old pickles for long.
ENTRY_SECONDS = 60 * 60


def _version() -> str:
    version = cache.get(_VERSION_KEY)
    if version is None:
        version = secrets.token_hex(8)
        cache.add(_VERSION_KEY, version, timeout=None)
        version = cache.get(_VERSION_KEY, version)
    return version


def sites_forget(**kwargs) -> None:
    cache.set(_VERSION_KEY, secrets.token_hex(8), timeout=None)


def site_settings_cached(settings_model, site):
    """``settings_model.for_site(site)`` through the cache."""
    key = f"wagtail-sites:{_version()}:settings:{settings_model._meta.label_lower}:{site.pk}"
    instance = cache.get(key)
    if instance is None:
        instance, _ = settings_model.base_queryset().get_or_create(site=site)
        cache.set(key, instance, timeout=ENTRY_SECONDS)
    return instance


def locale_ids() -> dict[str, int]:
    """Each locale's language code, mapped to its id."""
    key = f"wagtail-sites:{_version()}:locales"
    ids = cache.get(key)
    if ids is None:
        ids = dict(Locale.objects.values_list("language_code", "pk"))
        cache.set(key, ids, timeout=ENTRY_SECONDS)
    return ids


def active_locale_id() -> int | None:
    """The id ``Locale.get_active()`` would give, without its query: the active language's locale, or the
    default language's when the active one has none."""
    ids = locale_ids()
    default = get_supported_content_language_variant(settings.LANGUAGE_CODE)
    try:
        active = get_supported_content_language_variant(get_language() or settings.LANGUAGE_CODE)
    except LookupError:
        active = default
    return ids.get(active, ids.get(default))


class CachedSiteMiddleware:
    """Puts the request's cached Wagtail site where ``Site.find_for_request`` looks first.

    On a miss nothing is looked up here: a view that needs the site finds it as usual, and it is cached
    on the way out, so requests that never need it (health probes, reports) never touch the database.
    The root page is cached in its own class with its own fields left out (``deferred``): routing reads
    only the tree fields, and the page reloads itself when it is the page served (``HomePage.route``).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        hostname, port = split_domain_port(request.get_host())
        key = f"wagtail-sites:{_version()}:site:{hostname}:{port or request.get_port()}"
        site = cache.get(key)
        if site is not None:
            request._wagtail_site = site
        response = self.get_response(request)
        found = getattr(request, "_wagtail_site", None)
        if site is None and found is not None:
            found.root_page = found.root_page.get_specific(deferred=True)
            cache.set(key, found, timeout=ENTRY_SECONDS)
        return response
