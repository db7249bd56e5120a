"""Validation shared by course fields and blocks."""

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

WEB_URL_SCHEMES = frozenset({"http", "https"})


def is_web_url(value: str) -> bool:
    """True for an absolute http(s) URL: the only links a course may point readers to.

    ``javascript:``, ``data:`` and friends run code in the reader's browser; ``ftp:`` and
    relative URLs are refused too, since a course is read on and off this site.
    """
    try:
        parts = urlsplit(str(value).strip())
    except ValueError:
        return False
    return parts.scheme.lower() in WEB_URL_SCHEMES and bool(parts.netloc)


def validate_web_url(value: str) -> None:
    if not is_web_url(value):
        raise ValidationError(_("Enter a web address starting with http:// or https://."), code="invalid_scheme")
