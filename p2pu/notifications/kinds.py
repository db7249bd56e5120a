"""The registry of notification kinds, so each app declares what it may tell people about.

Apps register their kinds in ``AppConfig.ready()``::

    from p2pu.notifications import kinds

    kinds.register("circle.waitlist_promoted", label="A place opened up for you in a circle")
    kinds.register("review.received", label="Someone reviewed your work", default=kinds.Frequency.DAILY)

The kind's slug is what ``notification_send(kind=...)`` takes; the label is what people see on their
preferences page; the default is the e-mail frequency for people who never chose one.
"""

from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db import models


class Frequency(models.TextChoices):
    IMMEDIATELY = "immediately", "Immediately"
    DAILY = "daily", "In a daily digest"
    OFF = "off", "Off"


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


def register(slug: str, label: str, *, default: Frequency = Frequency.IMMEDIATELY, description: str = "") -> Kind:
    """Declare a kind; registering the same kind twice with the same values is harmless."""
    if not slug or slug == ALL_KINDS or len(slug) > 100:
        raise ImproperlyConfigured(f"Notification kind {slug!r} needs a slug of 1 to 100 characters other than '*'.")
    kind = Kind(slug=slug, label=label, default=Frequency(default), description=description)
    existing = _registry.get(slug)
    if existing is not None and existing != kind:
        raise ImproperlyConfigured(f"Notification kind {slug!r} is already registered as {existing!r}.")
    _registry[slug] = kind
    return kind


def get(slug: str) -> Kind:
    try:
        return _registry[slug]
    except KeyError:
        raise LookupError(
            f"Unknown notification kind {slug!r}: register it with p2pu.notifications.kinds.register() "
            "in your app's AppConfig.ready()."
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
