"""How often each person wants e-mail about each kind, and what that means for one notification."""

from django.core.exceptions import ValidationError
from django.db import transaction

from .. import kinds
from ..kinds import ALL_KINDS, FREQUENCY_RANK, Frequency
from ..models import Notification, NotificationPreference

EmailState = Notification.EmailState


def preferences_get(*, user) -> dict[str, str]:
    """The frequencies this person chose, by kind (``*`` included); kinds they never chose are absent."""
    return dict(NotificationPreference.objects.filter(user=user).values_list("kind", "frequency"))


def email_frequency(*, user, kind: str, preferences: dict[str, str] | None = None) -> Frequency:
    """How often this person gets e-mail about this kind: their choice, capped by their all-e-mail choice."""
    if preferences is None:
        preferences = dict(
            NotificationPreference.objects.filter(user=user, kind__in=[kind, ALL_KINDS]).values_list(
                "kind", "frequency"
            )
        )
    own = Frequency(preferences.get(kind, kinds.default_frequency(kind)))
    cap = Frequency(preferences.get(ALL_KINDS, Frequency.IMMEDIATELY))
    return min(own, cap, key=FREQUENCY_RANK.__getitem__)


def email_state_for(*, recipient, frequency: Frequency) -> str:
    """Where a notification's e-mail stands given how often its recipient wants e-mail about its kind."""
    if not recipient.is_active or not recipient.email:
        return EmailState.SKIPPED
    return {
        Frequency.IMMEDIATELY: EmailState.PENDING,
        Frequency.DAILY: EmailState.DIGEST,
        Frequency.OFF: EmailState.SKIPPED,
    }[frequency]


def preference_set(*, user, kind: str, frequency: str) -> NotificationPreference:
    if kind != ALL_KINDS:
        try:
            kinds.get(kind)
        except LookupError as error:
            raise ValidationError(str(error), code="unknown_kind") from None
    if frequency not in Frequency.values:
        raise ValidationError(f"{frequency!r} is not one of {', '.join(Frequency.values)}.", code="bad_frequency")
    preference, _ = NotificationPreference.objects.update_or_create(
        user=user, kind=kind, defaults={"frequency": frequency}
    )
    return preference


@transaction.atomic
def preferences_set(*, user, frequencies: dict[str, str]) -> None:
    """Save a whole preferences form; kinds left at their default stay unpinned so a new default reaches them."""
    chosen = preferences_get(user=user)
    for kind, frequency in frequencies.items():
        default = Frequency.IMMEDIATELY if kind == ALL_KINDS else kinds.get(kind).default
        if chosen.get(kind, default) != frequency:
            preference_set(user=user, kind=kind, frequency=frequency)
