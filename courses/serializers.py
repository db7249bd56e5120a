"""How course data appears in the Wagtail API (v2)."""

from rest_framework import serializers

from .validators import is_web_url


class CreditListField(serializers.Field):
    """A course's public credits as ``[{"name", "role", "url"}]``; never e-mail addresses or consent details."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, credits):
        return [{"name": credit.name, "role": credit.role, "url": _safe_url(credit.url)} for credit in credits]


def _safe_url(url: str) -> str | None:
    """A profile path on this site, or an http(s) address; None for anything else."""
    if url.startswith("/") and not url.startswith("//"):
        return url
    return url if is_web_url(url) else None
