"""A circle's life: starting, editing, opening, cancelling, moving along its states, messaging members."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, ngettext

from p2pu.audit.services import audit_record
from p2pu.core.jobs import enqueue_after_commit
from p2pu.core.page_cache import page_cache_purge
from p2pu.core.rate_limits import Quota, quotas_require
from p2pu.notifications.services import notifications_send_many

from .. import audit_actions, notification_kinds, rate_limits
from ..lazy_texts import filled_in_lazy, schedule_summary_lazy
from ..models import (
    JOINABLE_STATES,
    Circle,
    CircleMessage,
    CircleState,
    MeetingStatus,
    Membership,
    MembershipStatus,
    Role,
)
from ..models.circles import EDITABLE_FIELDS, SCHEDULE_FIELDS, new_access_key
from ..organisations import permissions as organisation_permissions
from ..organisations.page_cache import organisation_tag
from ..page_cache import circles_page_cache_purge
from ..permissions import manager_access, start_refusal
from .pinning import meetings_sync, pin_course_version
from .seats import lock_circle, queue_waitlist_promotion


def _set_state(circle: Circle, state: str, *, now: dt.datetime) -> None:
    circle.state = state
    circle.state_changed_at = now
    circle.save(update_fields=["state", "state_changed_at", "updated_at"])


def _require_organisation_member(*, user, organisation) -> None:
    """A circle joins only an organisation its facilitator is an active member of (leaving one is always allowed)."""
    if organisation is not None and not organisation_permissions.is_member(user, organisation):
        raise PermissionDenied(gettext("You can only run a circle with an organisation you belong to."))


def circle_create(*, course, created_by, publish: bool = False, **fields) -> Circle:
    """Start a circle around a published course; the person starting it becomes its facilitator."""
    refusal = start_refusal(user=created_by, course=course)
    if refusal:
        raise PermissionDenied(refusal)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not circle fields: {', '.join(sorted(unknown))}")
    _require_organisation_member(user=created_by, organisation=fields.get("organisation"))
    circle = Circle(course=course, created_by=created_by, **fields)
    circle.full_clean(exclude=["course_revision"])
    now = timezone.now()
    with transaction.atomic():
        circle.save()
        Membership.objects.create(
            circle=circle,
            user=created_by,
            role=Role.FACILITATOR,
            status=MembershipStatus.ACTIVE,
            joined_at=now,
            requested_at=now,
            status_changed_at=now,
        )
        meetings_sync(circle, pin_course_version(circle, now=now))
        if publish:
            circle_publish(circle=circle, by=created_by)
    return circle


def circle_update(*, circle: Circle, by, **fields) -> Circle:
    """Change a circle's details. The schedule may change only until the first meeting begins."""
    manager_access(circle=circle, user=by)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not editable circle fields: {', '.join(sorted(unknown))}")
    now = timezone.now()
    with transaction.atomic():
        circle = lock_circle(circle)
        changed = {name for name, value in fields.items() if getattr(circle, name) != value}
        if "organisation" in changed:
            _require_organisation_member(user=by, organisation=fields["organisation"])
            if circle.organisation_id:
                # The page of the organisation it leaves lists it too (saving purges only the new one's).
                page_cache_purge(organisation_tag(circle.organisation_id))
        schedule_changed = bool(changed & set(SCHEDULE_FIELDS))
        if schedule_changed and circle.meetings.filter(starts_at__lte=now).exists():
            raise ValidationError(
                gettext("The schedule cannot change once meetings have begun: move or cancel single meetings instead.")
            )
        capacity = fields.get("capacity", circle.capacity)
        if capacity < circle.seats_taken:
            raise ValidationError(
                {
                    "capacity": ngettext(
                        "%(count)d learner already has a seat; the capacity cannot be lower.",
                        "%(count)d learners already have a seat; the capacity cannot be lower.",
                        circle.seats_taken,
                    )
                    % {"count": circle.seats_taken}
                }
            )
        for name, value in fields.items():
            setattr(circle, name, value)
        circle.full_clean(exclude=["course_revision", "course"])
        circle.save()
        if schedule_changed:
            times_changed = meetings_sync(circle, list(circle.pinned_modules.all()))
            if times_changed and circle.state != CircleState.DRAFT:
                _notify_schedule_changed(circle=circle, by=by, now=now)
        if capacity > circle.seats_taken:
            queue_waitlist_promotion(circle)
    return circle


def _notify_schedule_changed(*, circle: Circle, by, now: dt.datetime) -> None:
    # The schedule changes whatever the count; only the news of it stops once the circle's allowance is used.
    if not rate_limits.CHANGES_TOLD.hit(circle.pk):
        return
    people = circle.memberships.filter(status__in=[MembershipStatus.ACTIVE, MembershipStatus.WAITLISTED]).exclude(
        user=by
    )
    notifications_send_many(
        recipients=people.people(),
        kind=notification_kinds.MEETING_CHANGED,
        title=filled_in_lazy(gettext_lazy("%(circle)s has a new schedule"), {"circle": circle.name}),
        body=filled_in_lazy(
            gettext_lazy(
                "The facilitators changed when the circle meets: %(schedule)s. "
                "The circle page lists every meeting in your time zone."
            ),
            {"schedule": schedule_summary_lazy(circle)},
        ),
        url=circle.get_absolute_url(),
        actor=by,
        dedupe_key=f"circle.schedule_changed:{circle.pk}:{now.isoformat()}",
    )


def circle_publish(*, circle: Circle, by) -> Circle:
    """Open a draft circle for sign-up."""
    manager_access(circle=circle, user=by)
    if circle.state != CircleState.DRAFT:
        raise ValidationError(gettext("Only a draft circle can be opened for sign-up."))
    if not circle.meetings.scheduled().exists():
        raise ValidationError(gettext("Schedule at least one meeting before opening the circle for sign-up."))
    _set_state(circle, CircleState.OPEN, now=timezone.now())
    return circle


def circle_cancel(*, circle: Circle, by, reason: str = "") -> Circle:
    """Cancel the circle and its meetings still to come; everyone in it is told."""
    manager_access(circle=circle, user=by)
    now = timezone.now()
    with transaction.atomic():
        circle = lock_circle(circle)
        _set_state(circle, CircleState.CANCELLED, now=now)
        audit_record(actor=by, action=audit_actions.CANCELLED, subject=circle, scope=circle, reason=reason)
        circle.meetings.upcoming(now=now).update(
            status=MeetingStatus.CANCELLED, sequence=F("sequence") + 1, change_note=reason[:255], updated_at=now
        )
        circles_page_cache_purge(circle_ids=[circle.pk])
        people = circle.memberships.filter(
            status__in=[MembershipStatus.ACTIVE, MembershipStatus.WAITLISTED, MembershipStatus.PENDING]
        ).exclude(user=by)
        notifications_send_many(
            recipients=people.people(),
            kind=notification_kinds.CANCELLED,
            title=filled_in_lazy(gettext_lazy("%(circle)s was cancelled"), {"circle": circle.name}),
            body=reason
            or filled_in_lazy(
                gettext_lazy("The facilitators cancelled %(circle)s; its remaining meetings will not take place."),
                {"circle": circle.name},
            ),
            url=circle.get_absolute_url(),
            actor=by,
            dedupe_key=f"circle.cancelled:{circle.pk}",
        )
    return circle


def circles_advance(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Move circles along their life cycle: open → running at the first meeting, → finished after the last.

    Idempotent and safe to run often: each move is a conditional UPDATE on the current state.
    """
    now = now or timezone.now()
    # Finished once the last meeting is over (a cancelled last meeting still marks when the circle ends).
    ending = (
        Circle.objects.joinable()
        .annotate(last_start=Max("meetings__starts_at"))
        .filter(last_start__lte=now)
        .values_list("pk", "last_start", "duration_minutes")
    )
    finished_ids = [pk for pk, last, minutes in ending if last + dt.timedelta(minutes=minutes) <= now]
    finished = Circle.objects.filter(pk__in=finished_ids, state__in=JOINABLE_STATES).update(
        state=CircleState.FINISHED, state_changed_at=now
    )
    starting = (
        Circle.objects.open_for_signup()
        .annotate(first_start=Min("meetings__starts_at", filter=Q(meetings__status=MeetingStatus.SCHEDULED)))
        .filter(first_start__lte=now)
        .values_list("pk", flat=True)
    )
    starting = list(starting)
    running = Circle.objects.filter(pk__in=starting, state=CircleState.OPEN).update(
        state=CircleState.RUNNING, state_changed_at=now
    )
    if finished or running:
        circles_page_cache_purge(circle_ids=[*finished_ids, *starting])
    if finished:
        # Its members are asked how it went (the task skips circles that did not finish, and anyone asked).
        enqueue_after_commit("cohorts.surveys.tasks.ask_end_surveys", finished_ids)
    return {"running": running, "finished": finished}


def circle_message_send(*, circle: Circle, sender, subject: str, body: str) -> CircleMessage:
    """Send a message to every member (kept on the circle page for members to read again)."""
    manager_access(circle=circle, user=sender)
    message = CircleMessage(circle=circle, sender=sender, subject=subject, body=body)
    message.full_clean()
    quotas_require([
        Quota(rate_limits.MESSAGES_SENT, sender.pk, rate_limits.TOO_MANY_MESSAGES),
        Quota(rate_limits.MESSAGES_TO_CIRCLE, circle.pk, rate_limits.CIRCLE_FLOODED),
    ])  # fmt: skip
    with transaction.atomic():
        message.save()
        notifications_send_many(
            recipients=circle.memberships.active().exclude(user=sender).people(),
            kind=notification_kinds.MESSAGE,
            title=f"{circle.name}: {subject}",
            body=body,
            url=f"{circle.get_absolute_url()}#messages",
            actor=sender,
            dedupe_key=f"circle.message:{message.pk}",
            # Members who chose no language read the e-mail around the message in the circle's.
            language=circle.language,
        )
    return message


def circle_share_link_reset(*, circle: Circle, by) -> Circle:
    """Give an unlisted circle a new share key: the old link stops opening its page at once."""
    manager_access(circle=circle, user=by)
    circle.access_key = new_access_key()
    circle.save(update_fields=["access_key"])
    return circle
