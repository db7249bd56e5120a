"""Deleting one's own account: what must be done first, and the deletion itself."""

from __future__ import annotations

import secrets
from functools import cache

from django.core.exceptions import ValidationError
from django.db import transaction

from p2pu.notifications.models import Notification

from .. import personal_data
from ..models import FORMER_MEMBER_PREFIX, User
from .data_export import data_exports_discard


def account_deletion_blockers(*, user: User) -> list[str]:
    """What the person must do before their account can go (e.g. hand over a circle only they run)."""
    return [reason for part in personal_data.parts() for reason in part.blockers(user=user)]


def former_member_create() -> User:
    """A stand-in account, signed in by nobody and shown as "a former member", that keeps what others'
    work depends on (reviews they were given, scores) once its author has gone. One per deleted account,
    so records that must stay distinct per person (one review per reviewer) stay distinct."""
    former = User(username=f"{FORMER_MEMBER_PREFIX}{secrets.token_hex(8)}", is_active=False)
    former.set_unusable_password()
    former.save()
    return former


@transaction.atomic
def account_delete(*, user: User, keep_credit_names: bool) -> None:
    """Delete the account and everything of the person's, or anonymise what others' work depends on.

    ``keep_credit_names``: credits on courses stay under the person's name (as a name without an
    account), or the name is removed from the courses and from the frozen attribution of their
    remixes (CC BY 4.0 §3(a)(3)).
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    refusals = account_deletion_blockers(user=user)
    if refusals:
        raise ValidationError(refusals)
    former = cache(former_member_create)
    for part in personal_data.parts():
        part.erase(user=user, former=former, keep_credit_names=keep_credit_names)
    # Others' notifications about what this person did carry their name in the title.
    Notification.objects.filter(actor=user).delete()
    data_exports_discard(user=user)
    user.delete()
