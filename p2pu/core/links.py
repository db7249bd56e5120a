"""Absolute links for places a relative one won't do: e-mails, calendars, feeds, the API, citations."""

from django.conf import settings
from django.urls import reverse


def absolute_url(path_or_url: str) -> str:
    """``SITE_URL`` + a site path; a full URL (or an empty string) comes back as it is."""
    if path_or_url.startswith("/") and not path_or_url.startswith("//"):
        return settings.SITE_URL + path_or_url
    return path_or_url


def absolute_reverse(viewname: str, *args, **kwargs) -> str:
    """``reverse`` made absolute with ``SITE_URL``."""
    return absolute_url(reverse(viewname, *args, **kwargs))
