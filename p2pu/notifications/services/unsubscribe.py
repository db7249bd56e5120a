"""Signed one-click unsubscribe links: making them for e-mails, reading them, and acting on them."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.utils.translation import gettext

from p2pu.core.links import absolute_reverse

from .. import kinds
from ..kinds import ALL_KINDS, Frequency
from .preferences import preference_set

UNSUBSCRIBE_SALT = "p2pu.notifications.unsubscribe"


def unsubscribe_token_make(*, user, kind: str) -> str:
    return signing.dumps({"user": user.pk, "kind": kind}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(*, user, kind: str) -> str:
    return absolute_reverse("notifications:unsubscribe", kwargs={"token": unsubscribe_token_make(user=user, kind=kind)})


@dataclass(frozen=True)
class Unsubscription:
    """What a valid unsubscribe link stands for: this person, this kind (or ``*``: all e-mail)."""

    user: object
    kind: str

    @property
    def label(self) -> str:
        return gettext("all notification e-mail") if self.kind == ALL_KINDS else kinds.get(self.kind).label


def unsubscribe_token_read(*, token: str) -> Unsubscription:
    """Raises signing.SignatureExpired for an old link and signing.BadSignature for any other bad one."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=settings.SIGNED_LINK_MAX_AGE)
    user = get_user_model().objects.filter(pk=data.get("user")).first() if isinstance(data, dict) else None
    kind = data.get("kind") if isinstance(data, dict) else None
    if user is None or (kind != ALL_KINDS and not kinds.is_registered(kind)):
        raise signing.BadSignature("The link names no current person or kind of notification.")
    return Unsubscription(user=user, kind=kind)


def unsubscribe(*, token: str) -> Unsubscription:
    """Turn off the e-mail a signed link names; raises like unsubscribe_token_read and then changes nothing."""
    unsubscription = unsubscribe_token_read(token=token)
    preference_set(user=unsubscription.user, kind=unsubscription.kind, frequency=Frequency.OFF)
    return unsubscription
