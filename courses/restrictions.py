"""Page view restrictions, read once per change rather than on every request.

Wagtail reads the restrictions of a page and its ancestors when serving it, and ``PageQuerySet.public()``
reads every restriction each time a list is filtered: a few queries per page view, although most sites
restrict nothing. Whether any restriction exists is kept in the cache (cleared when one is saved or
deleted), and while none does, both answers are known without a query.
"""

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.models import PageViewRestriction

_ANY_KEY = "page-view-restrictions:any"


def any_view_restrictions() -> bool:
    found = cache.get(_ANY_KEY)
    if found is None:
        found = PageViewRestriction.objects.exists()
        cache.set(_ANY_KEY, found, timeout=None)
    return found


def public(pages):
    """``pages.public()``, without its query while nothing is restricted."""
    return pages.public() if any_view_restrictions() else pages


class CachedViewRestrictionsMixin:
    """For page models: no query for the restrictions that apply while nothing is restricted."""

    def get_view_restrictions(self):
        if not any_view_restrictions():
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()


def _forget(sender, **kwargs):
    # Now for this process, and after the commit for a request another process renders meanwhile.
    cache.delete(_ANY_KEY)
    transaction.on_commit(lambda: cache.delete(_ANY_KEY), robust=True)


def connect() -> None:
    post_save.connect(_forget, sender=PageViewRestriction, dispatch_uid="view_restrictions_saved")
    post_delete.connect(_forget, sender=PageViewRestriction, dispatch_uid="view_restrictions_deleted")
