"""Writes for the home app: the site's page tree."""

from django.db import transaction
from wagtail.models import Page, Site

from .models import HomePage


@transaction.atomic
def site_tree_ensure() -> Site:
    """Make the home page the root of the default site, replacing Wagtail's placeholder page.

    Idempotent: a second call finds the home page and changes nothing.
    """
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        placeholder = root.get_children().exact_type(Page).filter(slug="home").first()
        if placeholder is not None:
            placeholder.slug = "welcome-placeholder"
            placeholder.save(update_fields=["slug"])
        home = root.add_child(instance=HomePage(title="Learning Commons", slug="home"))
        home.save_revision().publish()
        if placeholder is not None:
            Site.objects.filter(root_page=placeholder).update(root_page=home)
            placeholder.delete()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site.objects.create(
            hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="Learning Commons"
        )
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.save(update_fields=["root_page"])
    return site
