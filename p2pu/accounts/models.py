"""The custom user model: one account per person, with the profile they choose to show."""

import os
import secrets
import zoneinfo
from functools import cache

from django.conf import global_settings, settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# Languages a person can learn in: Django's list without regional variants (a learner speaks
# Spanish, not "Argentinian Spanish"), except Chinese, whose two scripts are different to read.
LANGUAGE_CHOICES = sorted(
    ((code, name) for code, name in global_settings.LANGUAGES if "-" not in code or code.startswith("zh-")),
    key=lambda choice: choice[1],
)
LANGUAGE_NAMES = dict(global_settings.LANGUAGES)

#: Usernames of the stand-in accounts that keep a deleted person's anonymised records.
FORMER_MEMBER_PREFIX = "former-member-"


@cache
def known_time_zones() -> frozenset[str]:
    # available_timezones() reads the zone database from disk; the set never changes while running.
    return frozenset(zoneinfo.available_timezones())


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(known_time_zones())]


def validate_time_zone(value: str) -> None:
    if value not in known_time_zones():
        raise ValidationError(_("“%(value)s” is not a known time zone."), params={"value": value})


def validate_language_codes(value) -> None:
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        raise ValidationError(_("Languages must be a list of language codes."))
    unknown = [code for code in value if code not in LANGUAGE_NAMES]
    if unknown:
        raise ValidationError(_("Unknown language code: %(codes)s."), params={"codes": ", ".join(unknown)})


class User(AbstractUser):
    display_name = models.CharField(
        _("display name"), max_length=100, blank=True, help_text=_("How your name appears to others.")
    )
    bio = models.TextField(_("about you"), max_length=2000, blank=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        help_text=_("Meeting times are shown in this time zone."),
    )
    languages = models.JSONField(
        _("languages"),
        default=list,
        blank=True,
        validators=[validate_language_codes],
        help_text=_("Language codes, most fluent first."),
    )
    # The site's interface language for this person (pages, e-mail, calendar feeds); empty follows the
    # browser. Not the same as ``languages``, the languages they can learn in.
    preferred_language = models.CharField(
        _("interface language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("The language the site, its e-mail and your calendar feed use for you."),
    )
    show_bio = models.BooleanField(_("show my bio on my public profile"), default=True)
    show_languages = models.BooleanField(_("show my languages on my public profile"), default=True)
    show_time_zone = models.BooleanField(_("show my time zone on my public profile"), default=False)

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.get_display_name()

    def get_display_name(self) -> str:
        if self.is_former_member:
            return gettext("a former member")
        return self.display_name or self.get_full_name() or self.username

    @property
    def is_former_member(self) -> bool:
        return not self.is_active and self.username.startswith(FORMER_MEMBER_PREFIX)

    def get_language_names(self) -> list[str]:
        return [LANGUAGE_NAMES.get(code, code) for code in self.languages]

    def get_absolute_url(self) -> str:
        return reverse("accounts:profile", kwargs={"username": self.username})


@deconstructible
class PrivateExportStorage(FileSystemStorage):
    """Data downloads are private: beside MEDIA_ROOT (which DEBUG serves to anyone), never inside it,
    and read only through the signed, owner-only download view. The location follows
    ``settings.MEDIA_ROOT`` at each use, so tests that move it move this too."""

    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return os.path.join(os.path.dirname(os.path.abspath(settings.MEDIA_ROOT)), "data-exports")

    @property
    def location(self):
        return self.base_location


def data_export_path(export: "DataExport", filename: str) -> str:
    # A random name: the file is reached only through the signed view, never by guessing.
    return f"{export.user_id}/{secrets.token_urlsafe(16)}.zip"


class DataExport(models.Model):
    """A ZIP of everything the platform holds about one person, built on request; a newer one replaces it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="data_exports")
    file = models.FileField(upload_to=data_export_path, storage=PrivateExportStorage(), max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Data download of {self.user} ({self.created_at:%Y-%m-%d})"
