"""The Wagtail site, its root page and its settings, read from the cache instead of the database on every
request.

Wagtail looks the site up per request (by host and port), routes from the site's root page and reads the
site settings per request; all change rarely, so they are kept in the default cache under a version that
any save or delete of a site or its settings, or a publish of a site's root page, replaces.
"""

import secrets

from django.core.cache import cache
from django.http.request import split_domain_port

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


class CachedSiteMiddleware:
    """Puts the request's cached Wagtail site where ``Site.find_for_request`` looks first.

    On a miss nothing is looked up here: a view that needs the site finds it as usual, and it is cached
    on the way out, so requests that never need it (health probes, reports) never touch the database.
    The root page is cached whole, in its own class, with its live translations (``HomePage.route`` serves
    the reader's); publishing or unpublishing any of them forgets it (home.signals).
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
            root = found.root_page.specific
            root.live_translations = {page.locale_id: page for page in root.get_translations().live()}
            found.root_page = root
            cache.set(key, found, timeout=ENTRY_SECONDS)
        return response
