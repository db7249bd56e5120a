"""The page cache for anonymous visitors: whole responses, purged exactly by tags.

A view opts in by declaring what its response shows, before it reads it: ``page_cache_depends(request,
"circle:7", "circles")``. Only a response that declared something is cached, only for a visitor without a
session, and never one that set a cookie, used a CSRF token or was not a 200.

Each tag has a version (a random token in the default cache). A cached response remembers the versions
its tags had when the view declared them; ``page_cache_purge("circle:7")`` gives the tag a new version
once the transaction commits, so every response that showed circle 7 is a miss on its next request and
nothing else is touched. Reading the versions before the view reads its data closes the race with a
concurrent change: a response rendered from data older than a purge carries the older version.

Responses are keyed by scheme, host, path and query, the active language and the visitor's time zone.
They carry ``Cache-Control: public, max-age=0, must-revalidate``, an ``ETag`` and ``Vary: Accept-Language,
Cookie``, so a CDN in front may keep them too and revalidate each time (a 304 from here costs two cache
reads). Responses to signed-in people (any request with a session) say ``private, no-store`` unless the
view chose otherwise.

Signed-in people get no cached page, but parts of a page that are the same for everyone who sees them
(a course's outline, the circles list) are kept by ``shared_fragment``: the rendered HTML, keyed like a
page and by the current versions of the tags it shows, so the same purges that expire cached pages expire
these parts too. Anything about the viewer (their membership, their rating, "Submit work") stays outside.
``shared_data`` keeps data the same way (a circle with its seats, meetings and members), for the views
that render per viewer around it.

Two middlewares, as Django's own cache middleware: ``PageCacheStoreMiddleware`` near the top (it sees the
finished response, cookies and all) and ``PageCacheFetchMiddleware`` after the language and time zone are
known.
"""

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers, set_response_etag
from django.utils.safestring import SafeString, mark_safe

#: Every cached response depends on this tag: site-wide settings (name, tagline) show on every page.
SITE_TAG = "site"
#: Says whether a response came from the page cache (for operators and tests; no personal data).
HIT_HEADER = "X-Page-Cache"
_TAG_PREFIX = "page-cache:tag:"
_ENTRY_PREFIX = "page-cache:page:"
_FRAGMENT_PREFIX = "page-cache:fragment:"
_DATA_PREFIX = "page-cache:data:"
# Cookies that make a visitor's page personal: a session (signed in, or anything kept for them) and
# pending messages.
_PERSONAL_COOKIES = (settings.SESSION_COOKIE_NAME, "messages")
# What a view's decorators leave on its response for the middlewares outside the cache (framing, the
# Content-Security-Policy): kept with the entry, so a cached answer is framed as the view's own was.
_RESPONSE_MARKS = ("xframe_options_exempt", "_csp_update", "_csp_replace", "_csp_config", "_csp_exempt")


@dataclass
class _Pending:
    """What the fetch side learnt about a request whose response may be stored."""

    key: str
    versions: dict[str, str] = field(default_factory=dict)
    holds_csrf_token: bool = False


def _tag_key(tag: str) -> str:
    return _TAG_PREFIX + tag


def _versions_current(tags) -> dict[str, str]:
    """The tags' versions, giving a tag that has none (new, or evicted) a fresh one."""
    keys = {_tag_key(tag): tag for tag in tags}
    found = cache.get_many(list(keys))
    missing = [key for key in keys if key not in found]
    if missing:
        for key in missing:
            cache.add(key, secrets.token_hex(8), timeout=None)
        found.update(cache.get_many(missing))
    return {keys[key]: version for key, version in found.items()}


def page_cache_wanted(request: HttpRequest) -> bool:
    """Whether this request's response may be stored: worth declaring (and computing) its tags."""
    return getattr(request, "page_cache", None) is not None


def page_cache_depends(request: HttpRequest, *tags: str) -> None:
    """Declare that this response shows what ``tags`` name; call it before reading that data.

    Harmless for requests that are not cached (signed in, a POST): they record nothing.
    """
    pending = getattr(request, "page_cache", None)
    if pending is None:
        return
    new = [tag for tag in (SITE_TAG, *tags) if tag not in pending.versions]
    if new:
        pending.versions.update(_versions_current(new))


def cached_for_anonymous(*tags: str):
    """A view decorator: its responses show what ``tags`` name (and are cached for anonymous visitors)."""

    def decorator(view):
        @wraps(view)
        def view_declaring_tags(request, *args, **kwargs):
            page_cache_depends(request, *tags)
            return view(request, *args, **kwargs)

        return view_declaring_tags

    return decorator


def page_cache_purge(*tags: str) -> None:
    """Give these tags new versions once the current transaction commits (at once outside one)."""

    def bump():
        cache.set_many({_tag_key(tag): secrets.token_hex(8) for tag in tags}, timeout=None)

    transaction.on_commit(bump, robust=True)


def shared_fragment(request: HttpRequest, name: str, *, tags, render) -> SafeString:
    """HTML that is the same for everyone who sees it at this URL, kept until one of ``tags`` is purged.

    ``render()`` builds it on a miss; it must read nothing about the viewer. The key holds the URL (host and
    query too), the language and time zone, and the tags' versions, read before ``render`` reads the data
    (as ``page_cache_depends``), so a part rendered from data older than a purge is never found again.
    """
    if not settings.PAGE_CACHE_ENABLED:
        return mark_safe(render())  # noqa: S308 (rendered by a template)
    versions = _versions_current((SITE_TAG, *tags))
    parts = "|".join(
        (
            name,
            request.scheme,
            request.get_host(),
            translation.get_language() or "",
            timezone.get_current_timezone_name(),
            request.get_full_path(),
            *(f"{tag}={versions[tag]}" for tag in sorted(versions)),
        )
    )
    key = _FRAGMENT_PREFIX + hashlib.sha256(parts.encode()).hexdigest()
    html = cache.get_or_set(key, lambda: str(render()), timeout=settings.PAGE_CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308 (rendered by a template)


class TagDepends:
    """Records the versions of the tags a computation declares, as ``page_cache_depends`` does for a page."""

    def __init__(self):
        self.versions: dict[str, str] = {}

    def __call__(self, *tags: str) -> None:
        new = [tag for tag in tags if tag not in self.versions]
        if new:
            self.versions.update(_versions_current(new))


def shared_data(name: str, *, compute: Callable[[Callable[..., None]], tuple[Any, datetime | None]]) -> Any:
    """Data that is the same for everyone who reads it, kept until a tag it declared is purged.

    ``compute(depends)`` calls ``depends(*tags)`` before it reads what those tags name, and returns the data
    with the instant it stops being true by the clock alone (a meeting beginning), or None. The data must
    pickle and must hold nothing about a reader; anything read for a viewer stays outside.
    """
    if not settings.PAGE_CACHE_ENABLED:
        value, _ = compute(lambda *tags: None)  # nothing is kept, so no version is worth reading
        return value
    key = _DATA_PREFIX + name
    entry = cache.get(key)
    if (
        entry is not None
        and (entry["until"] is None or timezone.now() < entry["until"])
        and _versions_current(entry["versions"]) == entry["versions"]
    ):
        return entry["value"]
    depends = TagDepends()
    depends(SITE_TAG)
    value, until = compute(depends)
    cache.set(key, {"versions": depends.versions, "until": until, "value": value}, timeout=settings.PAGE_CACHE_SECONDS)
    return value


def _is_personal(request: HttpRequest) -> bool:
    return any(name in request.COOKIES for name in _PERSONAL_COOKIES)


def _cache_key(request: HttpRequest) -> str:
    parts = "|".join(
        (
            request.scheme,
            request.get_host(),
            translation.get_language() or "",
            timezone.get_current_timezone_name(),
            request.get_full_path(),
        )
    )
    return _ENTRY_PREFIX + hashlib.sha256(parts.encode()).hexdigest()


def _public_headers(response: HttpResponse) -> None:
    patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
    patch_vary_headers(response, ("Accept-Language", "Cookie"))


class PageCacheFetchMiddleware:
    """Answers anonymous GET and HEAD requests from the cache when every tag of the entry is current."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        request.page_cache = None
        if not settings.PAGE_CACHE_ENABLED or request.method not in ("GET", "HEAD") or _is_personal(request):
            return self.get_response(request)
        key = _cache_key(request)
        entry = cache.get(key)
        if entry is not None and _versions_current(entry["versions"]) == entry["versions"]:
            response = HttpResponse(entry["content"], status=entry["status"])
            for name, value in entry["headers"]:
                response[name] = value
            for name, value in entry.get("marks", {}).items():
                setattr(response, name, value)
            response[HIT_HEADER] = "hit"
            return get_conditional_response(request, etag=response.get("ETag"), response=response)
        request.page_cache = pending = _Pending(key=key)
        response = self.get_response(request)
        # Read here, inside CsrfViewMiddleware, which clears the flag once it has set the cookie.
        if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
            pending.holds_csrf_token = True
        return response


class PageCacheStoreMiddleware:
    """Stores what the fetch side marked, once the whole response (cookies included) is known."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        response = self.get_response(request)
        if not settings.PAGE_CACHE_ENABLED:
            return response
        pending = getattr(request, "page_cache", None)
        user = getattr(request, "user", None)
        if _is_personal(request) or (user is not None and user.is_authenticated):
            if "Cache-Control" not in response:
                patch_cache_control(response, private=True, no_store=True)
            return response
        if pending is None or not pending.versions or not self._storable(request, response, pending):
            return response
        _public_headers(response)
        set_response_etag(response)
        response[HIT_HEADER] = "miss"
        headers = [(name, value) for name, value in response.items() if name != HIT_HEADER]
        marks = {name: getattr(response, name) for name in _RESPONSE_MARKS if hasattr(response, name)}
        entry = {"versions": pending.versions, "status": response.status_code, "headers": headers, "marks": marks}
        cache.set(pending.key, {**entry, "content": response.content}, timeout=settings.PAGE_CACHE_SECONDS)
        return get_conditional_response(request, etag=response["ETag"], response=response)

    @staticmethod
    def _storable(request: HttpRequest, response: HttpResponse, pending: _Pending) -> bool:
        return (
            request.method == "GET"
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            # The page holds a CSRF token: it is someone's, not everyone's.
            and not pending.holds_csrf_token
            and "private" not in response.get("Cache-Control", "")
            and "no-store" not in response.get("Cache-Control", "")
        )
