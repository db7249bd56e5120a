"""Page view restrictions, read once per change rather than on every request.

Wagtail reads the restrictions of a page and its ancestors when serving it, and ``PageQuerySet.public()``
reads every restriction each time a list is filtered: a few queries per page view, although most sites
restrict nothing. Whether any restriction exists is kept in the cache (cleared when one is saved or
deleted), and while none does, both answers are known without a query.
"""

from django.core.cache import cache
from wagtail.models import PageViewRestriction

from p2pu.core.cached_reads import forget_when_changed

_ANY_KEY = "page-view-restrictions:any"


def any_view_restrictions() -> bool:
    return cache.get_or_set(_ANY_KEY, PageViewRestriction.objects.exists, timeout=None)


def public(pages):
    """``pages.public()``, without its query while nothing is restricted."""
    return pages.public() if any_view_restrictions() else pages


class CachedViewRestrictionsMixin:
    """For page models: no query for the restrictions that apply while nothing is restricted."""

    def get_view_restrictions(self):
        if not any_view_restrictions():
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()


def connect() -> None:
    forget_when_changed(_ANY_KEY, model=PageViewRestriction, name="view_restrictions")
