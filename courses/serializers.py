"""How course data appears in the Wagtail API (v2)."""

from rest_framework import serializers


class CreditListField(serializers.Field):
    """A course's public credits as ``[{"name", "role", "url"}]``; never e-mail addresses or consent details."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, credits):
        return [{"name": credit.name, "role": credit.role, "url": credit.url or None} for credit in credits]
