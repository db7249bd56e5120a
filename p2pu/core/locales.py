"""The language to write to a person in when no request says it: e-mail, notifications, calendar feeds."""

from django.conf import settings

from .languages import language_choose


def supported_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def person_language(person, *, hint: str = "") -> str:
    """The person's interface language from their profile; else ``hint`` (e.g. a circle's language) when the
    site is translated into it; else the site's default."""
    return language_choose(
        (getattr(person, "preferred_language", ""), hint),
        supported=supported_languages(),
        default=settings.LANGUAGE_CODE,
    )
