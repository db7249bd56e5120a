"""Receivers for the home app's models; connected in HomeConfig.ready()."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.models import Site
from wagtail.signals import page_published, page_unpublished

from p2pu.core.page_cache import SITE_TAG, page_cache_purge

from .models import HomePage, SiteSettings
from .sites import sites_forget


def _on_site_settings_saved(sender, instance, created=False, **kwargs):
    # A site's settings are created on their first read: nothing cached shows them yet.
    if created:
        return
    sites_forget()
    # The site's name and tagline show on every page.
    page_cache_purge(SITE_TAG)


def _on_site_changed(sender, **kwargs):
    sites_forget()
    transaction.on_commit(sites_forget, robust=True)


def _on_root_page_changed(sender, instance, **kwargs):
    # The cached sites hold their root page whole, with its live translations (home.sites).
    transaction.on_commit(sites_forget, robust=True)


def connect() -> None:
    post_save.connect(_on_site_settings_saved, sender=SiteSettings, dispatch_uid="page_cache_site_settings")
    post_save.connect(_on_site_changed, sender=Site, dispatch_uid="cached_sites_site_saved")
    post_delete.connect(_on_site_changed, sender=Site, dispatch_uid="cached_sites_site_deleted")
    page_published.connect(_on_root_page_changed, sender=HomePage, dispatch_uid="cached_sites_root_published")
    page_unpublished.connect(_on_root_page_changed, sender=HomePage, dispatch_uid="cached_sites_root_unpublished")
