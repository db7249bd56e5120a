"""Writes for the home app: the site's page tree."""

from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from wagtail.actions.convert_alias import ConvertAliasPageAction
from wagtail.actions.copy_for_translation import CopyPageForTranslationAction
from wagtail.models import Locale, Page, Site

from .models import HomePage


def site_address() -> tuple[str, int]:
    """The hostname and port of ``SITE_URL``, as Wagtail's Site record holds them."""
    address = urlsplit(settings.SITE_URL)
    return address.hostname, address.port or (443 if address.scheme == "https" else 80)


@transaction.atomic
def site_tree_ensure() -> Site:
    """Make the home page the root of the default site, replacing Wagtail's placeholder page, and
    give the site the address in ``SITE_URL``, so the full URLs Wagtail builds (citations, feeds)
    point where the site is served.

    Idempotent: a second call finds the home page and the address and changes nothing.
    """
    # The default locale's home page: the others are its translations, beside it under the root.
    home = HomePage.objects.filter(locale=Locale.get_default(), alias_of__isnull=True).first()
    if home is None:
        root = Page.get_first_root_node()
        placeholder = root.get_children().exact_type(Page).filter(slug="home").first()
        if placeholder is not None:
            placeholder.slug = "welcome-placeholder"
            placeholder.save(update_fields=["slug"])
        home = root.add_child(instance=HomePage(title=settings.WAGTAIL_SITE_NAME, slug="home"))
        home.save_revision().publish()
        if placeholder is not None:
            Site.objects.filter(root_page=placeholder).update(root_page=home)
            placeholder.delete()
    hostname, port = site_address()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site.objects.create(
            hostname=hostname, port=port, root_page=home, is_default_site=True, site_name=settings.WAGTAIL_SITE_NAME
        )
    elif (site.root_page_id, site.hostname, site.port) != (home.pk, hostname, port):
        site.root_page, site.hostname, site.port = home, hostname, port
        site.save(update_fields=["root_page", "hostname", "port"])
    return site


@transaction.atomic
def site_page_translation_ensure(*, page: Page, language: str, user=None, **fields) -> Page:
    """The translation of ``page`` (a page whose translations share its address: the home page, the
    catalog) into ``language``, with ``fields`` (its title, its text) set, published.

    Translating a course leaves aliases of its ancestors in the translation's locale, which show the English
    words: such an alias is converted into a page of its own; where there is none, ``page`` is copied (and
    any untranslated parent as an alias). A translation that is already a page of its own is returned as it
    is, published or not, so editors' changes stay.
    """
    locale, _created = Locale.objects.get_or_create(language_code=language)
    translation = page.get_translation_or_none(locale)
    if translation is not None and not translation.alias_of_id:
        return translation
    if translation is not None:
        ConvertAliasPageAction(translation, user=user).execute(skip_permission_checks=True)
    else:
        copy = CopyPageForTranslationAction(page=page, locale=locale, copy_parents=True, user=user)
        translation = copy.execute(skip_permission_checks=True).specific
    for name, value in fields.items():
        setattr(translation, name, value)
    translation.save_revision(user=user, log_action=True).publish(user=user, skip_permission_checks=True)
    return type(page).objects.get(pk=translation.pk)
