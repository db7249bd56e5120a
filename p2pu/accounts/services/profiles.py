"""Profiles: the fields a person edits about themselves, and the welcome after confirming an e-mail."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from p2pu.core.locales import person_language
from p2pu.core.text import multi_line, one_line
from p2pu.notifications.services import notification_send

from .. import notification_kinds
from ..models import User
from ..profile_signals import display_name_changed

# The fields a person edits about themselves; anything else (username, e-mail, staff flags) has its own flow.
PROFILE_FIELDS = frozenset(
    {
        "display_name",
        "bio",
        "time_zone",
        "preferred_language",
        "languages",
        "show_bio",
        "show_languages",
        "show_time_zone",
    }
)


TEXT_CLEANERS = {"display_name": one_line, "bio": multi_line}


def profile_update(*, user: User, **fields) -> User:
    """Set the given profile fields on ``user`` and save only those.

    Raises TypeError for a field that is not part of the profile and ValidationError for a bad value
    (e.g. an unknown time zone); in both cases nothing is saved and ``user`` is left as it was.
    """
    unknown = set(fields) - PROFILE_FIELDS
    if unknown:
        raise TypeError(f"Not profile fields: {', '.join(sorted(unknown))}")
    # Validate against the model's own rules first, so callers other than the form get the same checks.
    cleaned, errors = {}, {}
    for name, value in fields.items():
        try:
            cleaned[name] = user._meta.get_field(name).clean(value, user)
        except ValidationError as error:
            errors[name] = error.error_list
    if errors:
        raise ValidationError(errors)
    # Names and texts others read are stored without control characters or bidirectional overrides.
    cleaned = {name: TEXT_CLEANERS[name](value) if name in TEXT_CLEANERS else value for name, value in cleaned.items()}
    # The public circles API shows the display name itself, other pages the name it falls back to.
    shown_before = (user.display_name, user.get_display_name())
    for name, value in cleaned.items():
        setattr(user, name, value)
    user.save(update_fields=sorted(cleaned))
    if (user.display_name, user.get_display_name()) != shown_before:
        display_name_changed.send(sender=User, user=user)
    return user


def preferred_language_set(*, user: User, language: str) -> User:
    """Make ``language`` the person's interface language (the language switcher, while signed in).

    Raises ValidationError for a language the site is not translated into; saves nothing when unchanged.
    """
    if user.preferred_language == language:
        return user
    return profile_update(user=user, preferred_language=language)


def welcome_send(*, user: User):
    """Greet a person once, when they first confirm an e-mail address (later confirmations change nothing)."""
    # Written in the person's language: the site name goes into the title before it is stored.
    with translation.override(person_language(user)):
        return notification_send(
            recipient=user,
            kind=notification_kinds.WELCOME,
            title=_("Welcome to %(site_name)s") % {"site_name": settings.WAGTAIL_SITE_NAME},
            body=_(
                "Your e-mail address is confirmed. Find a course you like, join a study circle or start one, "
                "and tell people a little about yourself on your profile."
            ),
            # The course catalogue is a Wagtail page, so it has a path but no URL name to reverse.
            url="/courses/",
            dedupe_key=notification_kinds.WELCOME,
        )
