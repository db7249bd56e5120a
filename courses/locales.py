"""The site's locales, read once per change rather than on every request, and pages that serve the
reader's translation at their own address.

Addresses carry no language prefix (``/courses/<slug>/`` serves a course of any locale), so routing always
starts from the site's own root page. Wagtail would first look up the reader's locale and route through that
locale's copy of the tree: a query for the locale, and for a reader of another language a walk through the
copies that ends back at the same page, several queries more. Instead the pages whose translations share an
address (the home page, the catalog) serve the reader's translation themselves when one is live.
"""

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.utils.translation import get_language
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale

from p2pu.core.cached_reads import forget_when_changed

_IDS_KEY = "locales:ids"


def locale_ids() -> dict[str, int]:
    """Each locale's language code, mapped to its id."""
    return cache.get_or_set(_IDS_KEY, lambda: dict(Locale.objects.values_list("language_code", "pk")), timeout=None)


def active_locale_id() -> int | None:
    """The id ``Locale.get_active()`` gives, without its query: the active language's locale, or the
    default language's when the active one has none."""
    ids = locale_ids()
    default = get_supported_content_language_variant(settings.LANGUAGE_CODE)
    try:
        active = get_supported_content_language_variant(get_language() or settings.LANGUAGE_CODE)
    except LookupError:
        active = default
    return ids.get(active, ids.get(default))


class ServedInTheReadersLanguageMixin:
    """For page models whose translations share their address: the page at the end of a route is served in
    the reader's language when a live translation exists."""

    def route(self, request, path_components):
        if not path_components and not getattr(self, "is_reader_version", False):
            locale_id = active_locale_id()
            if locale_id is not None and locale_id != self.locale_id:
                return reader_version(self).route(request, path_components)
        return super().route(request, path_components)


def reader_version(page, *, model=None):
    """In one query, as ``model`` (``page``'s own class by default): the live translation of ``page`` in the
    reader's language if there is one, else ``page`` itself, freshly read."""
    model = model or type(page)
    wanted = Q(pk=page.pk) | Q(locale_id=active_locale_id(), live=True)
    versions = model.objects.filter(wanted, translation_key=page.translation_key)
    # The translation before the page itself.
    chosen = min(versions, key=lambda version: version.pk == page.pk)
    chosen.is_reader_version = True
    return chosen


def served_version(page, *, served: bool):
    """``page.specific``, in one query; for the page served, when its translations share its address, the
    reader's translation instead (``reader_version``)."""
    model = page.specific_class
    if served and model is not None and issubclass(model, ServedInTheReadersLanguageMixin):
        return reader_version(page, model=model)
    return page.specific


def connect() -> None:
    forget_when_changed(_IDS_KEY, model=Locale, name="locales")
