"""Choices shared by the course models and the catalog's filters."""

from django.db import models
from django.utils.functional import lazy
from django.utils.translation import get_language_info, pgettext_lazy

#: Languages a course can be written in: codes Django knows, offered in this order.
COURSE_LANGUAGE_CODES = ["en", "es", "fr", "pt", "de", "it", "nl", "pl", "ar", "sw", "hi", "zh-hans", "ja", "ko"]


def _language_label(code: str) -> str:
    """The name in the interface's language, then the language's own name for its speakers: "Spanish (español)"."""
    info = get_language_info(code)
    name = str(info["name_translated"])
    return name if name == info["name_local"] else f"{name} ({info['name_local']})"


LANGUAGE_CHOICES = [(code, lazy(_language_label, str)(code)) for code in COURSE_LANGUAGE_CODES]


def language_name(code: str) -> str:
    """The language's name for its own speakers ("Español"), as a link to a version in it is labelled."""
    return get_language_info(code)["name_local"]


def language_name_translated(code: str) -> str:
    """The language's name in the active interface language ("Spanish" to an English reader)."""
    return get_language_info(code)["name_translated"]


class Level(models.TextChoices):
    BEGINNER = "beginner", pgettext_lazy("course level", "Beginner")
    INTERMEDIATE = "intermediate", pgettext_lazy("course level", "Intermediate")
    ADVANCED = "advanced", pgettext_lazy("course level", "Advanced")
