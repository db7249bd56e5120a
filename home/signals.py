"""Receivers for the home app's models; connected in HomeConfig.ready()."""

from django.db.models.signals import post_save

from p2pu.core.page_cache import SITE_TAG, page_cache_purge

from .models import SiteSettings


def _on_site_settings_saved(sender, instance, **kwargs):
    # The site's name and tagline show on every page.
    page_cache_purge(SITE_TAG)


def connect() -> None:
    post_save.connect(_on_site_settings_saved, sender=SiteSettings, dispatch_uid="page_cache_site_settings")
