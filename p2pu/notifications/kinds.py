"""The registry of notification kinds, so each app declares what it may tell people about.

Each app declares its kinds once, as constants in its own ``notification_kinds.py``, and registers
them from ``AppConfig.ready()``::

    # cohorts/notification_kinds.py (Kind and Frequency come from this module)
    WAITLIST_PROMOTED = "circle.waitlist_promoted"
    KINDS = (Kind(WAITLIST_PROMOTED, label="A place opened up for you in a circle"),)

    # cohorts/apps.py, in ready()
    kinds.register_all(notification_kinds.KINDS)

Services then say ``notification_send(kind=notification_kinds.WAITLIST_PROMOTED, ...)``, never a
raw string. The label is what people see on their preferences page; the default is the e-mail
frequency for people who never chose one.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Frequency(models.TextChoices):
    IMMEDIATELY = "immediately", _("Immediately")
    DAILY = "daily", _("In a daily digest")
    OFF = "off", pgettext_lazy("e-mail frequency", "Off")


# Less frequent first: the "all e-mail" preference caps every kind at its own level.
FREQUENCY_RANK = {Frequency.OFF: 0, Frequency.DAILY: 1, Frequency.IMMEDIATELY: 2}

# The preference row with this kind applies to every kind at once (pause everything, or digest everything).
ALL_KINDS = "*"


@dataclass(frozen=True)
class Kind:
    slug: str
    label: str
    default: Frequency = Frequency.IMMEDIATELY
    description: str = ""


_registry: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Declare a kind; registering the same kind twice with the same values is harmless."""
    if not kind.slug or kind.slug == ALL_KINDS or len(kind.slug) > 100:
        raise ImproperlyConfigured(
            f"Notification kind {kind.slug!r} needs a slug of 1 to 100 characters other than '*'."
        )
    kind = Kind(slug=kind.slug, label=kind.label, default=Frequency(kind.default), description=kind.description)
    existing = _registry.get(kind.slug)
    if existing is not None and existing != kind:
        raise ImproperlyConfigured(f"Notification kind {kind.slug!r} is already registered as {existing!r}.")
    _registry[kind.slug] = kind
    return kind


def register_all(declared: Iterable[Kind]) -> None:
    """Register an app's ``notification_kinds.KINDS``, in their order (so each app's kinds stay together)."""
    for kind in declared:
        register(kind)


def get(slug: str) -> Kind:
    try:
        return _registry[slug]
    except KeyError:
        raise LookupError(
            f"Unknown notification kind {slug!r}: declare it in your app's notification_kinds.KINDS "
            "and register those in its AppConfig.ready()."
        ) from None


def is_registered(slug: str) -> bool:
    return slug in _registry


def default_frequency(slug: str) -> Frequency:
    """The kind's default; a kind no longer registered still e-mails what was recorded under it."""
    kind = _registry.get(slug)
    return kind.default if kind is not None else Frequency.IMMEDIATELY


def all_kinds() -> list[Kind]:
    """Every registered kind, in registration order (so each app's kinds stay together)."""
    return list(_registry.values())
