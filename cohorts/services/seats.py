"""Seats, the contended resource, and the status moves that take or free them.

Anything that takes or frees a learner's seat locks the circle row (``select_for_update``) inside a
transaction and then changes ``Circle.seats_taken`` with a conditional UPDATE; the row's check
constraint (``seats_taken <= capacity``) is the database's own last word, so even a code path that
forgot the lock could not overfill a circle.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy

from p2pu.audit.services import audit_record
from p2pu.core.jobs import enqueue_after_commit
from p2pu.notifications.services import notification_send

from .. import audit_actions, notification_kinds
from ..lazy_texts import filled_in_lazy
from ..models import JOINABLE_STATES, Circle, Membership, MembershipStatus
from ..page_cache import circles_page_cache_purge


def lock_circle(circle: Circle) -> Circle:
    """The circle's row, locked until the transaction ends (PostgreSQL; SQLite serialises writers anyway)."""
    return Circle.objects.select_for_update().get(pk=circle.pk)


def take_seat(circle: Circle) -> bool:
    """Take one learner seat if one is free; False when the circle is full."""
    taken = Circle.objects.filter(pk=circle.pk, seats_taken__lt=F("capacity")).update(seats_taken=F("seats_taken") + 1)
    if taken:
        circle.seats_taken += 1
        circles_page_cache_purge(circle_ids=[circle.pk])
    return bool(taken)


def release_seat(circle: Circle) -> None:
    Circle.objects.filter(pk=circle.pk, seats_taken__gt=0).update(seats_taken=F("seats_taken") - 1)
    circle.seats_taken = max(circle.seats_taken - 1, 0)
    circles_page_cache_purge(circle_ids=[circle.pk])


def queue_waitlist_promotion(circle: Circle) -> None:
    enqueue_after_commit("cohorts.tasks.promote_waitlist", circle.pk)


def set_status(
    membership: Membership, status: str, *, now: dt.datetime, role: str | None = None, also: tuple[str, ...] = ()
) -> None:
    """Move a membership to ``status`` and save it (with any other fields named in ``also``)."""
    membership.status = status
    membership.status_changed_at = now
    if role is not None:
        membership.role = role
    if status == MembershipStatus.ACTIVE:
        membership.joined_at = now
    membership.waitlisted_at = now if status == MembershipStatus.WAITLISTED else None
    if membership.pk:
        membership.save(update_fields=["status", "status_changed_at", "role", "joined_at", "waitlisted_at", *also])
    else:
        membership.save()


def waitlist_promote(*, circle: Circle) -> list[Membership]:
    """Give free seats to the people waiting longest, and tell each of them. Safe to call any time."""
    now = timezone.now()
    promoted = []
    with transaction.atomic():
        circle = lock_circle(circle)
        if circle.state not in JOINABLE_STATES or circle.seats_free == 0:
            return []
        for membership in circle.memberships.waitlist().select_related("user")[: circle.seats_free]:
            if not take_seat(circle):
                break
            set_status(membership, MembershipStatus.ACTIVE, now=now)
            # Nobody chose this: the first in line gets the seat (an entry with no actor).
            audit_record(
                actor=None,
                action=audit_actions.WAITLIST_PROMOTED,
                subject=membership,
                target=membership.user,
                scope=circle,
            )
            promoted.append(membership)
            notification_send(
                recipient=membership.user,
                kind=notification_kinds.WAITLIST_PROMOTED,
                title=filled_in_lazy(
                    gettext_lazy("A seat opened up: you are now a member of %(circle)s"), {"circle": circle.name}
                ),
                body=gettext_lazy("Someone left and you were next on the waitlist. See you at the next meeting!"),
                url=circle.get_absolute_url(),
                dedupe_key=f"circle.waitlist_promoted:{membership.pk}:{now.isoformat()}",
            )
    return promoted


def waitlists_promote() -> int:
    """Promote on every circle with both a free seat and someone waiting: a sweep behind the per-event task."""
    circles = (
        Circle.objects.joinable()
        .filter(seats_taken__lt=F("capacity"), memberships__status=MembershipStatus.WAITLISTED)
        .distinct()
    )
    return sum(len(waitlist_promote(circle=circle)) for circle in circles)
