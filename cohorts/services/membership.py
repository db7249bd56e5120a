"""Joining and leaving a circle, answering requests, removing people, and sharing the facilitator role."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from p2pu.audit.services import audit_record
from p2pu.core.rate_limits import Quota, quotas_require
from p2pu.core.text import multi_line
from p2pu.notifications.services import notification_send, notifications_send_many

from .. import audit_actions, notification_kinds, rate_limits
from ..lazy_texts import filled_in_lazy
from ..models import Circle, Membership, MembershipStatus, Role
from ..permissions import is_verified, join_outcome, manager_access
from ..surveys.services import goal_fields_clean
from .seats import lock_circle, queue_waitlist_promotion, release_seat, set_status, take_seat


def membership_join(
    *,
    circle: Circle,
    user,
    via_invite: bool = False,
    request_message: str = "",
    goal: str = "",
    goal_confidence: int | None = None,
) -> Membership:
    """Join (or accept an invitation to) a circle: a seat if one is free, else the waitlist.

    Approval circles record a request instead. Raises ValidationError with the reason when the
    person cannot join. ``via_invite``: they hold a valid invitation link (the caller resolved it).
    ``goal`` and ``goal_confidence`` (1–5), both optional, are what the person hopes to reach; a join
    without them (accepting an invitation from /me/, say) keeps any goal written before.
    """
    verified = is_verified(user)
    now = timezone.now()
    with transaction.atomic():
        circle = lock_circle(circle)
        membership = Membership.objects.filter(circle=circle, user=user).first()
        outcome = join_outcome(
            circle=circle,
            membership=membership,
            verified=verified,
            waitlist_count=circle.memberships.waitlist().count(),
            has_upcoming_meeting=circle.meetings.upcoming(now=now).exists(),
            via_invite=via_invite,
        )
        if outcome.status is None:
            raise ValidationError(outcome.refusal, code="join_refused")
        invited = membership is not None and membership.status == MembershipStatus.INVITED
        role = membership.role if invited else Role.LEARNER
        status = outcome.status
        if status == MembershipStatus.ACTIVE and role == Role.LEARNER and not take_seat(circle):
            status = MembershipStatus.WAITLISTED
        if membership is None:
            membership = Membership(circle=circle, user=user, requested_at=now)
        if status == MembershipStatus.PENDING:
            _join_request_quotas_require(circle=circle, user=user)
            membership.request_message = multi_line(request_message)
            membership.requested_at = now
        if goal or goal_confidence is not None:
            membership.goal = multi_line(goal)
            membership.goal_confidence = goal_confidence
            goal_fields_clean(membership)
        set_status(
            membership,
            status,
            now=now,
            role=role,
            also=("request_message", "requested_at", "goal", "goal_confidence"),
        )
        if status == MembershipStatus.PENDING:
            notifications_send_many(
                recipients=circle.memberships.facilitators().people(),
                kind=notification_kinds.JOIN_REQUEST,
                title=filled_in_lazy(
                    gettext_lazy("%(name)s asked to join %(circle)s"),
                    {"name": user.get_display_name(), "circle": circle.name},
                ),
                body=membership.request_message,
                url=circle.get_manage_url(),
                actor=user,
                dedupe_key=f"circle.join_request:{membership.pk}:{now.isoformat()}",
            )
    return membership


def _join_request_quotas_require(*, circle: Circle, user) -> None:
    """A request e-mails every facilitator with the person's own words: counted per person, per person and
    circle (ask, withdraw, ask again), and per facilitator. A declined request stays declined."""
    quotas_require([
        Quota(rate_limits.JOIN_REQUESTS_SENT, user.pk, rate_limits.TOO_MANY_REQUESTS),
        Quota(rate_limits.JOIN_REQUESTS_TO_CIRCLE, f"{circle.pk}:{user.pk}", rate_limits.TOO_MANY_REQUESTS_HERE),
        *(
            Quota(rate_limits.JOIN_REQUESTS_RECEIVED, facilitator_id, rate_limits.FACILITATORS_FLOODED)
            for facilitator_id in circle.memberships.facilitators().values_list("user_id", flat=True)
        ),
    ])  # fmt: skip


def membership_leave(*, circle: Circle, user) -> Membership:
    """Leave a circle, its waitlist, or withdraw a request. A freed seat goes to the waitlist."""
    now = timezone.now()
    with transaction.atomic():
        circle = lock_circle(circle)
        membership = Membership.objects.filter(circle=circle, user=user).first()
        leavable = (MembershipStatus.ACTIVE, MembershipStatus.WAITLISTED, MembershipStatus.PENDING)
        if membership is None or membership.status not in leavable:
            raise ValidationError(gettext("You are not in this circle."))
        if membership.is_facilitator and circle.memberships.facilitators().count() == 1:
            raise ValidationError(
                gettext("You are this circle's only facilitator: hand the circle over to another member, or cancel it.")
            )
        freed = membership.takes_seat
        set_status(membership, MembershipStatus.LEFT, now=now)
        if freed:
            release_seat(circle)
            queue_waitlist_promotion(circle)
    return membership


def membership_approve(*, membership: Membership, by) -> Membership:
    """Let in a person who asked to join: a seat if one is free and nobody waits, else the waitlist."""
    manager_access(circle=membership.circle, user=by)
    now = timezone.now()
    with transaction.atomic():
        circle = lock_circle(membership.circle)
        membership = Membership.objects.select_related("user").get(pk=membership.pk)
        if membership.status != MembershipStatus.PENDING:
            raise ValidationError(gettext("This request was already answered."))
        nobody_waiting = not circle.memberships.waitlist().exists()
        seated = nobody_waiting and take_seat(circle)
        set_status(membership, MembershipStatus.ACTIVE if seated else MembershipStatus.WAITLISTED, now=now)
        audit_record(
            actor=by, action=audit_actions.REQUEST_APPROVED, subject=membership, target=membership.user, scope=circle
        )
        notification_send(
            recipient=membership.user,
            kind=notification_kinds.MEMBERSHIP_CHANGED,
            title=filled_in_lazy(gettext_lazy("Your request to join %(circle)s was approved"), {"circle": circle.name}),
            body=gettext_lazy("Welcome! You have a seat.")
            if seated
            else gettext_lazy("The circle is full, so you are on its waitlist."),
            url=circle.get_absolute_url(),
            actor=by,
            dedupe_key=f"circle.request_answered:{membership.pk}:{now.isoformat()}",
        )
    return membership


def membership_decline(*, membership: Membership, by) -> Membership:
    manager_access(circle=membership.circle, user=by)
    now = timezone.now()
    with transaction.atomic():
        membership = Membership.objects.select_for_update().select_related("user", "circle").get(pk=membership.pk)
        if membership.status != MembershipStatus.PENDING:
            raise ValidationError(gettext("This request was already answered."))
        set_status(membership, MembershipStatus.DECLINED, now=now)
        audit_record(
            actor=by,
            action=audit_actions.REQUEST_DECLINED,
            subject=membership,
            target=membership.user,
            scope=membership.circle,
        )
        notification_send(
            recipient=membership.user,
            kind=notification_kinds.MEMBERSHIP_CHANGED,
            title=filled_in_lazy(
                gettext_lazy("Your request to join %(circle)s was declined"), {"circle": membership.circle.name}
            ),
            body=gettext_lazy(
                "The facilitators could not take you into this circle. Other circles may follow the same course."
            ),
            url=reverse("cohorts:list") + f"?course={membership.circle.course_id}",
            actor=by,
            dedupe_key=f"circle.request_answered:{membership.pk}:{now.isoformat()}",
        )
    return membership


def membership_remove(*, membership: Membership, by, reason: str = "") -> Membership:
    """A facilitator removes someone from the circle (or from its waitlist, or turns down their request)."""
    manager_access(circle=membership.circle, user=by)
    if membership.user_id == by.pk:
        raise ValidationError(gettext("To leave the circle yourself, use “Leave circle”."))
    now = timezone.now()
    with transaction.atomic():
        circle = lock_circle(membership.circle)
        membership = Membership.objects.select_related("user").get(pk=membership.pk)
        if membership.status not in (MembershipStatus.ACTIVE, MembershipStatus.WAITLISTED, MembershipStatus.PENDING):
            raise ValidationError(gettext("This person is not in the circle."))
        freed = membership.takes_seat
        set_status(membership, MembershipStatus.REMOVED, now=now)
        audit_record(
            actor=by,
            action=audit_actions.MEMBER_REMOVED,
            subject=membership,
            target=membership.user,
            scope=circle,
            reason=reason,
        )
        if freed:
            release_seat(circle)
            queue_waitlist_promotion(circle)
        notification_send(
            recipient=membership.user,
            kind=notification_kinds.MEMBERSHIP_CHANGED,
            title=filled_in_lazy(gettext_lazy("You were removed from %(circle)s"), {"circle": circle.name}),
            body=reason,
            url=reverse("cohorts:list"),
            actor=by,
            dedupe_key=f"circle.removed:{membership.pk}:{now.isoformat()}",
        )
    return membership


def facilitator_add(*, membership: Membership, by) -> Membership:
    """Make an active learner a co-facilitator; their learner seat goes to the waitlist."""
    manager_access(circle=membership.circle, user=by)
    now = timezone.now()
    with transaction.atomic():
        circle = lock_circle(membership.circle)
        membership = Membership.objects.select_related("user").get(pk=membership.pk)
        if not membership.takes_seat:
            raise ValidationError(gettext("Only an active learner can become a co-facilitator."))
        membership.role = Role.FACILITATOR
        membership.save(update_fields=["role"])
        audit_record(
            actor=by, action=audit_actions.FACILITATOR_ADDED, subject=membership, target=membership.user, scope=circle
        )
        release_seat(circle)
        queue_waitlist_promotion(circle)
        notification_send(
            recipient=membership.user,
            kind=notification_kinds.MEMBERSHIP_CHANGED,
            title=filled_in_lazy(gettext_lazy("You are now a facilitator of %(circle)s"), {"circle": circle.name}),
            body=filled_in_lazy(gettext_lazy("%(name)s made you a co-facilitator."), {"name": by.get_display_name()}),
            url=circle.get_manage_url(),
            actor=by,
            dedupe_key=f"circle.role_changed:{membership.pk}:{now.isoformat()}",
        )
    return membership


def facilitator_hand_over(*, circle: Circle, by, to: Membership) -> Membership:
    """Hand the facilitator role to another member and stay on as a learner.

    When ``to`` was a learner, the two swap roles and the seat passes over; when ``to`` already
    co-facilitates, the person stepping down needs a free seat.
    """
    manager_access(circle=circle, user=by)
    if to.user_id == by.pk:
        raise ValidationError(gettext("Choose another member to hand the circle over to."))
    now = timezone.now()
    with transaction.atomic():
        circle = lock_circle(circle)
        to = Membership.objects.select_related("user").get(pk=to.pk, circle=circle)
        mine = Membership.objects.get(circle=circle, user=by)
        if not to.is_active:
            raise ValidationError(gettext("Only an active member can take over the circle."))
        if to.role == Role.FACILITATOR and not take_seat(circle):
            raise ValidationError(gettext("There is no free seat for you to stay on as a learner."))
        to.role, mine.role = Role.FACILITATOR, Role.LEARNER
        to.save(update_fields=["role"])
        mine.save(update_fields=["role"])
        audit_record(actor=by, action=audit_actions.HANDED_OVER, subject=to, target=to.user, scope=circle)
        notification_send(
            recipient=to.user,
            kind=notification_kinds.MEMBERSHIP_CHANGED,
            title=filled_in_lazy(
                gettext_lazy("%(name)s handed %(circle)s over to you"),
                {"name": by.get_display_name(), "circle": circle.name},
            ),
            body=gettext_lazy("You are now a facilitator of the circle."),
            url=circle.get_manage_url(),
            actor=by,
            dedupe_key=f"circle.role_changed:{to.pk}:{now.isoformat()}",
        )
    return to
