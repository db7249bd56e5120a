"""The custom user model: one account per person, with the profile they choose to show."""

import zoneinfo

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError("“%(value)s” is not a known time zone.", params={"value": value})


class User(AbstractUser):
    display_name = models.CharField(max_length=100, blank=True, help_text="How your name appears to others.")
    bio = models.TextField(max_length=2000, blank=True)
    time_zone = models.CharField(
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        help_text="Meeting times are shown in this time zone.",
    )
    languages = models.JSONField(default=list, blank=True, help_text="Language codes, most fluent first.")
    show_bio = models.BooleanField("show my bio on my public profile", default=True)
    show_languages = models.BooleanField("show my languages on my public profile", default=True)
    show_time_zone = models.BooleanField("show my time zone on my public profile", default=False)

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.get_display_name()

    def get_display_name(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    def get_absolute_url(self) -> str:
        return reverse("accounts:profile", kwargs={"username": self.username})
