"""Writes for the home app: the site's page tree."""

from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from wagtail.models import Page, Site

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
    home = HomePage.objects.filter(alias_of__isnull=True).first()
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
