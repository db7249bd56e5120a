"""The custom user model: one account per person, with the profile they choose to show."""

import zoneinfo
from functools import cache

from django.conf import global_settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

# Languages a person can learn in: Django's list without regional variants (a learner speaks
# Spanish, not "Argentinian Spanish"), except Chinese, whose two scripts are different to read.
LANGUAGE_CHOICES = sorted(
    ((code, name) for code, name in global_settings.LANGUAGES if "-" not in code or code.startswith("zh-")),
    key=lambda choice: choice[1],
)
LANGUAGE_NAMES = dict(global_settings.LANGUAGES)


@cache
def known_time_zones() -> frozenset[str]:
    # available_timezones() reads the zone database from disk; the set never changes while running.
    return frozenset(zoneinfo.available_timezones())


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(known_time_zones())]


def validate_time_zone(value: str) -> None:
    if value not in known_time_zones():
        raise ValidationError("“%(value)s” is not a known time zone.", params={"value": value})


def validate_language_codes(value) -> None:
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        raise ValidationError("Languages must be a list of language codes.")
    unknown = [code for code in value if code not in LANGUAGE_NAMES]
    if unknown:
        raise ValidationError("Unknown language code: %(codes)s.", params={"codes": ", ".join(unknown)})


class User(AbstractUser):
    display_name = models.CharField(max_length=100, blank=True, help_text="How your name appears to others.")
    bio = models.TextField(max_length=2000, blank=True)
    time_zone = models.CharField(
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        help_text="Meeting times are shown in this time zone.",
    )
    languages = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_language_codes],
        help_text="Language codes, most fluent first.",
    )
    show_bio = models.BooleanField("show my bio on my public profile", default=True)
    show_languages = models.BooleanField("show my languages on my public profile", default=True)
    show_time_zone = models.BooleanField("show my time zone on my public profile", default=False)

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.get_display_name()

    def get_display_name(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    def get_language_names(self) -> list[str]:
        return [LANGUAGE_NAMES.get(code, code) for code in self.languages]

    def get_absolute_url(self) -> str:
        return reverse("accounts:profile", kwargs={"username": self.username})
