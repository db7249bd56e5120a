"""Every write in the cohorts app. Keyword arguments only; each service checks who is acting.

Seats are the contended resource. Anything that takes or frees a learner's seat locks the circle row
(``select_for_update``) inside a transaction and then changes ``Circle.seats_taken`` with a conditional
UPDATE; the row's check constraint (``seats_taken <= capacity``) is the database's own last word, so
even a code path that forgot the lock could not overfill a circle.

Notifications go through ``p2pu.notifications.services``, whose dedupe keys make every event reach a
person once; e-mail and follow-up jobs are queued with ``transaction.on_commit``.
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC
from functools import partial

from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Avg, Count, F, Max, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from courses.models import ModulePage
from p2pu.notifications.models import Notification
from p2pu.notifications.services import notification_send, notifications_send_many

from . import notification_kinds, scheduling
from .models import (
    JOINABLE_STATES,
    Attendance,
    CalendarFeed,
    Circle,
    CircleMessage,
    CircleState,
    InviteLink,
    Meeting,
    MeetingFeedback,
    MeetingStatus,
    Membership,
    MembershipStatus,
    PinnedModule,
    Role,
    ScheduleKind,
)
from .models.circles import MAX_MEETING_MINUTES
from .models.meetings import new_feed_token
from .permissions import CircleAccess, circle_access, is_verified, join_outcome, start_refusal

INVITE_LINK_SALT = "cohorts.invite_link"
#: The longest an invitation link lives; the signature's own age check enforces it too.
INVITE_LINK_MAX_DAYS = 30
#: Fields of a circle that decide when it meets; changing any of them re-expands the meetings.
SCHEDULE_FIELDS = frozenset(
    {"time_zone", "start_date", "schedule_kind", "weekday", "meeting_time", "weeks", "meeting_dates"}
)
#: Fields a facilitator may change after creating a circle (the course is fixed: start another circle instead).
EDITABLE_FIELDS = SCHEDULE_FIELDS | {
    "name",
    "description",
    "language",
    "duration_minutes",
    "venue_kind",
    "meeting_url",
    "venue_name",
    "address",
    "city",
    "country",
    "capacity",
    "join_policy",
    "listed",
}

REMINDER_LEADS = (("1h", dt.timedelta(hours=1)), ("24h", dt.timedelta(hours=24)))
#: Members are asked for feedback on a meeting that ended within this long.
FEEDBACK_PROMPT_WINDOW = dt.timedelta(hours=48)
#: Bulk jobs work in chunks: bounded IN lists, and one transaction per chunk instead of per insert.
JOB_CHUNK = 500


# --- Helpers -----------------------------------------------------------------------------------------


def local_time_for(user, instant: dt.datetime) -> str:
    """An instant as one person reads it: “Tue 5 Mar 2024, 18:00 (Europe/Berlin)”."""
    return _local_time(getattr(user, "time_zone", "") or "UTC", instant)


@functools.lru_cache(maxsize=4096)
def _local_time(zone_name: str, instant: dt.datetime) -> str:
    # Cached: the reminder job formats the same few meeting times for thousands of people.
    try:
        zone = zoneinfo.ZoneInfo(zone_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone, zone_name = UTC, "UTC"
    return f"{date_format(instant.astimezone(zone), 'D j M Y, H:i')} ({zone_name})"


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _manager_access(*, circle: Circle, by) -> CircleAccess:
    access = circle_access(user=by, circle=circle)
    _require(access.can_manage, "Only this circle's facilitators can do that.")
    return access


def _manage_url(circle: Circle) -> str:
    return reverse("cohorts:manage", kwargs={"circle_id": circle.pk})


def _lock(circle: Circle) -> Circle:
    """The circle's row, locked until the transaction ends (PostgreSQL; SQLite serialises writers anyway)."""
    return Circle.objects.select_for_update().get(pk=circle.pk)


def _seat_take(circle: Circle) -> bool:
    """Take one learner seat if one is free; False when the circle is full."""
    taken = Circle.objects.filter(pk=circle.pk, seats_taken__lt=F("capacity")).update(seats_taken=F("seats_taken") + 1)
    if taken:
        circle.seats_taken += 1
    return bool(taken)


def _seat_release(circle: Circle) -> None:
    Circle.objects.filter(pk=circle.pk, seats_taken__gt=0).update(seats_taken=F("seats_taken") - 1)
    circle.seats_taken = max(circle.seats_taken - 1, 0)


def _queue_waitlist_promotion(circle: Circle) -> None:
    from .tasks import promote_waitlist

    transaction.on_commit(partial(promote_waitlist.delay, circle.pk), robust=True)


def _set_status(
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


def _set_state(circle: Circle, state: str, *, now: dt.datetime) -> None:
    circle.state = state
    circle.state_changed_at = now
    circle.save(update_fields=["state", "state_changed_at", "updated_at"])


def _facilitators(circle: Circle) -> list:
    return [m.user for m in Membership.objects.facilitators().filter(circle=circle).select_related("user")]


# --- The schedule and the pinned course version ---------------------------------------------------------


def schedule_instants(circle: Circle) -> list[dt.datetime]:
    """The circle's meetings as UTC instants, expanded from its schedule in its own time zone."""
    if circle.schedule_kind == ScheduleKind.WEEKLY:
        return scheduling.expand_weekly(
            circle.start_date, circle.weekday, circle.meeting_time, circle.weeks, circle.time_zone
        )
    return scheduling.expand_explicit(
        (dt.datetime.fromisoformat(value) for value in circle.meeting_dates), circle.time_zone
    )


def _pin_course_version(circle: Circle, *, now: dt.datetime) -> list[PinnedModule]:
    """Pin the course and each of its live modules at their current published revisions."""
    course = circle.course
    circle.course_revision_id = course.live_revision_id
    circle.pinned_at = now
    circle.save(update_fields=["course_revision", "pinned_at", "updated_at"])
    circle.pinned_modules.all().delete()
    modules = course.modules().only("pk", "title", "live_revision_id")
    return PinnedModule.objects.bulk_create(
        PinnedModule(circle=circle, module=module, revision_id=module.live_revision_id, position=i, title=module.title)
        for i, module in enumerate(modules)
    )


def _module_for(number: int, pinned: list[PinnedModule]) -> int | None:
    """Meeting ``number`` (1-based) covers the module at the same place in the pinned outline."""
    index = scheduling.default_module_index(number - 1, len(pinned))
    return pinned[index].module_id if index is not None else None


def _meetings_sync(circle: Circle, pinned: list[PinnedModule]) -> bool:
    """Make the stored meetings match the schedule; True if any existing meeting's time changed.

    Meetings keep their rows (and ids, which calendar apps know them by) by number; a meeting whose
    time changes gets a new iCalendar sequence. Only called before any meeting has begun.
    """
    existing = {meeting.number: meeting for meeting in circle.meetings.all()}
    changed, to_create = False, []
    for number, starts_at in enumerate(schedule_instants(circle), start=1):
        module_id = _module_for(number, pinned)
        meeting = existing.pop(number, None)
        if meeting is None:
            to_create.append(Meeting(circle=circle, number=number, starts_at=starts_at, module_id=module_id))
            continue
        if meeting.starts_at != starts_at or meeting.is_cancelled:
            changed = True
            meeting.sequence += 1
        meeting.starts_at, meeting.module_id = starts_at, module_id
        meeting.status, meeting.originally_starts_at, meeting.change_note = MeetingStatus.SCHEDULED, None, ""
        meeting.save()
    Meeting.objects.bulk_create(to_create)
    if existing:
        changed = True
        Meeting.objects.filter(pk__in=[meeting.pk for meeting in existing.values()]).delete()
    return changed


def circle_course_version_update(*, circle: Circle, by) -> Circle:
    """Follow the course's newest published version from now on.

    Meetings still to come keep a module the facilitator chose if it is still in the course, and
    otherwise go back to meeting i → module i.
    """
    _manager_access(circle=circle, by=by)
    now = timezone.now()
    with transaction.atomic():
        pinned = _pin_course_version(circle, now=now)
        kept = {pin.module_id for pin in pinned}
        for meeting in circle.meetings.filter(starts_at__gt=now).order_by("number"):
            if meeting.module_id not in kept:
                meeting.module_id = _module_for(meeting.number, pinned)
                meeting.save(update_fields=["module", "updated_at"])
    return circle


# --- Circles -------------------------------------------------------------------------------------------


def circle_create(*, course, created_by, publish: bool = False, **fields) -> Circle:
    """Start a circle around a published course; the person starting it becomes its facilitator."""
    refusal = start_refusal(user=created_by, course=course)
    if refusal:
        raise PermissionDenied(refusal)
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"Not circle fields: {', '.join(sorted(unknown))}")
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
        _meetings_sync(circle, _pin_course_version(circle, now=now))
        if publish:
            circle_publish(circle=circle, by=created_by)
    return circle


def circle_update(*, circle: Circle, by, **fields) -> Circle:
    """Change a circle's details. The schedule may change only until the first meeting begins."""
    _manager_access(circle=circle, by=by)
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"Not editable circle fields: {', '.join(sorted(unknown))}")
    now = timezone.now()
    with transaction.atomic():
        circle = _lock(circle)
        changed = {name for name, value in fields.items() if getattr(circle, name) != value}
        schedule_changed = bool(changed & SCHEDULE_FIELDS)
        if schedule_changed and circle.meetings.filter(starts_at__lte=now).exists():
            raise ValidationError(
                "The schedule cannot change once meetings have begun: move or cancel single meetings instead."
            )
        capacity = fields.get("capacity", circle.capacity)
        if capacity < circle.seats_taken:
            raise ValidationError(
                {"capacity": f"{circle.seats_taken} learners already have a seat; the capacity cannot be lower."}
            )
        for name, value in fields.items():
            setattr(circle, name, value)
        circle.full_clean(exclude=["course_revision", "course"])
        circle.save()
        if schedule_changed:
            times_changed = _meetings_sync(circle, list(circle.pinned_modules.all()))
            if times_changed and circle.state != CircleState.DRAFT:
                _notify_schedule_changed(circle=circle, by=by, now=now)
        if capacity > circle.seats_taken:
            _queue_waitlist_promotion(circle)
    return circle


def _notify_schedule_changed(*, circle: Circle, by, now: dt.datetime) -> None:
    people = (
        Membership.objects.filter(circle=circle, status__in=[MembershipStatus.ACTIVE, MembershipStatus.WAITLISTED])
        .exclude(user=by)
        .select_related("user")
    )
    notifications_send_many(
        recipients=[m.user for m in people],
        kind=notification_kinds.MEETING_CHANGED,
        title=f"{circle.name} has a new schedule",
        body=f"The facilitators changed when the circle meets: {circle.schedule_summary}. "
        "The circle page lists every meeting in your time zone.",
        url=circle.get_absolute_url(),
        actor=by,
        dedupe_key=f"circle.schedule_changed:{circle.pk}:{now.isoformat()}",
    )


def circle_publish(*, circle: Circle, by) -> Circle:
    """Open a draft circle for sign-up."""
    _manager_access(circle=circle, by=by)
    if circle.state != CircleState.DRAFT:
        raise ValidationError("Only a draft circle can be opened for sign-up.")
    if not circle.meetings.scheduled().exists():
        raise ValidationError("Schedule at least one meeting before opening the circle for sign-up.")
    _set_state(circle, CircleState.OPEN, now=timezone.now())
    return circle


def circle_cancel(*, circle: Circle, by, reason: str = "") -> Circle:
    """Cancel the circle and its meetings still to come; everyone in it is told."""
    _manager_access(circle=circle, by=by)
    now = timezone.now()
    with transaction.atomic():
        circle = _lock(circle)
        _set_state(circle, CircleState.CANCELLED, now=now)
        circle.meetings.upcoming(now=now).update(
            status=MeetingStatus.CANCELLED, sequence=F("sequence") + 1, change_note=reason[:255], updated_at=now
        )
        people = (
            Membership.objects.filter(circle=circle)
            .filter(status__in=[MembershipStatus.ACTIVE, MembershipStatus.WAITLISTED, MembershipStatus.PENDING])
            .exclude(user=by)
            .select_related("user")
        )
        notifications_send_many(
            recipients=[m.user for m in people],
            kind=notification_kinds.CANCELLED,
            title=f"{circle.name} was cancelled",
            body=reason or f"The facilitators cancelled {circle.name}; its remaining meetings will not take place.",
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
    running = Circle.objects.filter(pk__in=list(starting), state=CircleState.OPEN).update(
        state=CircleState.RUNNING, state_changed_at=now
    )
    return {"running": running, "finished": finished}


def circle_message_send(*, circle: Circle, sender, subject: str, body: str) -> CircleMessage:
    """Send a message to every member (kept on the circle page for members to read again)."""
    _manager_access(circle=circle, by=sender)
    message = CircleMessage(circle=circle, sender=sender, subject=subject, body=body)
    message.full_clean()
    with transaction.atomic():
        message.save()
        members = Membership.objects.active().filter(circle=circle).exclude(user=sender).select_related("user")
        notifications_send_many(
            recipients=[m.user for m in members],
            kind=notification_kinds.MESSAGE,
            title=f"{circle.name}: {subject}",
            body=body,
            url=f"{circle.get_absolute_url()}#messages",
            actor=sender,
            dedupe_key=f"circle.message:{message.pk}",
        )
    return message


# --- Membership ----------------------------------------------------------------------------------------


def membership_join(*, circle: Circle, user, via_invite: bool = False, request_message: str = "") -> Membership:
    """Join (or accept an invitation to) a circle: a seat if one is free, else the waitlist.

    Approval circles record a request instead. Raises ValidationError with the reason when the
    person cannot join. ``via_invite``: they hold a valid invitation link (the caller resolved it).
    """
    verified = is_verified(user)
    now = timezone.now()
    with transaction.atomic():
        circle = _lock(circle)
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
        if status == MembershipStatus.ACTIVE and role == Role.LEARNER and not _seat_take(circle):
            status = MembershipStatus.WAITLISTED
        if membership is None:
            membership = Membership(circle=circle, user=user, requested_at=now)
        if status == MembershipStatus.PENDING:
            membership.request_message = request_message
            membership.requested_at = now
        _set_status(membership, status, now=now, role=role, also=("request_message", "requested_at"))
        if status == MembershipStatus.PENDING:
            notifications_send_many(
                recipients=_facilitators(circle),
                kind=notification_kinds.JOIN_REQUEST,
                title=f"{user.get_display_name()} asked to join {circle.name}",
                body=request_message,
                url=_manage_url(circle),
                actor=user,
                dedupe_key=f"circle.join_request:{membership.pk}:{now.isoformat()}",
            )
    return membership


def membership_leave(*, circle: Circle, user) -> Membership:
    """Leave a circle, its waitlist, or withdraw a request. A freed seat goes to the waitlist."""
    now = timezone.now()
    with transaction.atomic():
        circle = _lock(circle)
        membership = Membership.objects.filter(circle=circle, user=user).first()
        leavable = (MembershipStatus.ACTIVE, MembershipStatus.WAITLISTED, MembershipStatus.PENDING)
        if membership is None or membership.status not in leavable:
            raise ValidationError("You are not in this circle.")
        if membership.is_facilitator and circle.memberships.facilitators().count() == 1:
            raise ValidationError(
                "You are this circle's only facilitator: hand the circle over to another member, or cancel it."
            )
        freed = membership.takes_seat
        _set_status(membership, MembershipStatus.LEFT, now=now)
        if freed:
            _seat_release(circle)
            _queue_waitlist_promotion(circle)
    return membership


def waitlist_promote(*, circle: Circle) -> list[Membership]:
    """Give free seats to the people waiting longest, and tell each of them. Safe to call any time."""
    now = timezone.now()
    promoted = []
    with transaction.atomic():
        circle = _lock(circle)
        if circle.state not in JOINABLE_STATES or circle.seats_free == 0:
            return []
        for membership in circle.memberships.waitlist().select_related("user")[: circle.seats_free]:
            if not _seat_take(circle):
                break
            _set_status(membership, MembershipStatus.ACTIVE, now=now)
            promoted.append(membership)
            notification_send(
                recipient=membership.user,
                kind=notification_kinds.WAITLIST_PROMOTED,
                title=f"A seat opened up: you are now a member of {circle.name}",
                body="Someone left and you were next on the waitlist. See you at the next meeting!",
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


def membership_approve(*, membership: Membership, by) -> Membership:
    """Let in a person who asked to join: a seat if one is free and nobody waits, else the waitlist."""
    _manager_access(circle=membership.circle, by=by)
    now = timezone.now()
    with transaction.atomic():
        circle = _lock(membership.circle)
        membership = Membership.objects.select_related("user").get(pk=membership.pk)
        if membership.status != MembershipStatus.PENDING:
            raise ValidationError("This request was already answered.")
        nobody_waiting = not circle.memberships.waitlist().exists()
        seated = nobody_waiting and _seat_take(circle)
        _set_status(membership, MembershipStatus.ACTIVE if seated else MembershipStatus.WAITLISTED, now=now)
        notification_send(
            recipient=membership.user,
            kind=notification_kinds.MEMBERSHIP_CHANGED,
            title=f"Your request to join {circle.name} was approved",
            body="Welcome! You have a seat." if seated else "The circle is full, so you are on its waitlist.",
            url=circle.get_absolute_url(),
            actor=by,
            dedupe_key=f"circle.request_answered:{membership.pk}:{now.isoformat()}",
        )
    return membership


def membership_decline(*, membership: Membership, by) -> Membership:
    _manager_access(circle=membership.circle, by=by)
    now = timezone.now()
    with transaction.atomic():
        membership = Membership.objects.select_for_update().select_related("user", "circle").get(pk=membership.pk)
        if membership.status != MembershipStatus.PENDING:
            raise ValidationError("This request was already answered.")
        _set_status(membership, MembershipStatus.DECLINED, now=now)
        notification_send(
            recipient=membership.user,
            kind=notification_kinds.MEMBERSHIP_CHANGED,
            title=f"Your request to join {membership.circle.name} was declined",
            body="The facilitators could not take you into this circle. Other circles may follow the same course.",
            url=reverse("cohorts:list") + f"?course={membership.circle.course_id}",
            actor=by,
            dedupe_key=f"circle.request_answered:{membership.pk}:{now.isoformat()}",
        )
    return membership


def membership_remove(*, membership: Membership, by, reason: str = "") -> Membership:
    """A facilitator removes someone from the circle (or from its waitlist, or turns down their request)."""
    _manager_access(circle=membership.circle, by=by)
    if membership.user_id == by.pk:
        raise ValidationError("To leave the circle yourself, use “Leave circle”.")
    now = timezone.now()
    with transaction.atomic():
        circle = _lock(membership.circle)
        membership = Membership.objects.select_related("user").get(pk=membership.pk)
        if membership.status not in (MembershipStatus.ACTIVE, MembershipStatus.WAITLISTED, MembershipStatus.PENDING):
            raise ValidationError("This person is not in the circle.")
        freed = membership.takes_seat
        _set_status(membership, MembershipStatus.REMOVED, now=now)
        if freed:
            _seat_release(circle)
            _queue_waitlist_promotion(circle)
        notification_send(
            recipient=membership.user,
            kind=notification_kinds.MEMBERSHIP_CHANGED,
            title=f"You were removed from {circle.name}",
            body=reason,
            url=reverse("cohorts:list"),
            actor=by,
            dedupe_key=f"circle.removed:{membership.pk}:{now.isoformat()}",
        )
    return membership


def facilitator_add(*, membership: Membership, by) -> Membership:
    """Make an active learner a co-facilitator; their learner seat goes to the waitlist."""
    _manager_access(circle=membership.circle, by=by)
    now = timezone.now()
    with transaction.atomic():
        circle = _lock(membership.circle)
        membership = Membership.objects.select_related("user").get(pk=membership.pk)
        if not membership.takes_seat:
            raise ValidationError("Only an active learner can become a co-facilitator.")
        membership.role = Role.FACILITATOR
        membership.save(update_fields=["role"])
        _seat_release(circle)
        _queue_waitlist_promotion(circle)
        notification_send(
            recipient=membership.user,
            kind=notification_kinds.MEMBERSHIP_CHANGED,
            title=f"You are now a facilitator of {circle.name}",
            body=f"{by.get_display_name()} made you a co-facilitator.",
            url=_manage_url(circle),
            actor=by,
            dedupe_key=f"circle.role_changed:{membership.pk}:{now.isoformat()}",
        )
    return membership


def facilitator_hand_over(*, circle: Circle, by, to: Membership) -> Membership:
    """Hand the facilitator role to another member and stay on as a learner.

    When ``to`` was a learner, the two swap roles and the seat passes over; when ``to`` already
    co-facilitates, the person stepping down needs a free seat.
    """
    _manager_access(circle=circle, by=by)
    if to.user_id == by.pk:
        raise ValidationError("Choose another member to hand the circle over to.")
    now = timezone.now()
    with transaction.atomic():
        circle = _lock(circle)
        to = Membership.objects.select_related("user").get(pk=to.pk, circle=circle)
        mine = Membership.objects.get(circle=circle, user=by)
        if not to.is_active:
            raise ValidationError("Only an active member can take over the circle.")
        if to.role == Role.FACILITATOR and not _seat_take(circle):
            raise ValidationError("There is no free seat for you to stay on as a learner.")
        to.role, mine.role = Role.FACILITATOR, Role.LEARNER
        to.save(update_fields=["role"])
        mine.save(update_fields=["role"])
        notification_send(
            recipient=to.user,
            kind=notification_kinds.MEMBERSHIP_CHANGED,
            title=f"{by.get_display_name()} handed {circle.name} over to you",
            body="You are now a facilitator of the circle.",
            url=_manage_url(circle),
            actor=by,
            dedupe_key=f"circle.role_changed:{to.pk}:{now.isoformat()}",
        )
    return to


def invitation_send(*, circle: Circle, by, invitee, role: str = Role.LEARNER) -> Membership:
    """Invite one person by name; they accept on the circle page or in “My learning”."""
    _manager_access(circle=circle, by=by)
    now = timezone.now()
    with transaction.atomic():
        membership = Membership.objects.select_for_update().filter(circle=circle, user=invitee).first()
        if membership and membership.status in (MembershipStatus.ACTIVE, MembershipStatus.WAITLISTED):
            raise ValidationError(f"{invitee.get_display_name()} is already in this circle.")
        if membership and membership.status == MembershipStatus.PENDING:
            raise ValidationError(f"{invitee.get_display_name()} already asked to join: approve their request instead.")
        membership = membership or Membership(circle=circle, user=invitee)
        membership.invited_by = by
        membership.requested_at = now
        _set_status(membership, MembershipStatus.INVITED, now=now, role=role, also=("invited_by", "requested_at"))
        as_role = "co-facilitate" if role == Role.FACILITATOR else "join"
        notification_send(
            recipient=invitee,
            kind=notification_kinds.INVITED,
            title=f"{by.get_display_name()} invited you to {as_role} {circle.name}",
            body=f"{circle.name} follows the course “{circle.course.title}”: {circle.schedule_summary}.",
            url=circle.get_absolute_url(),
            actor=by,
            dedupe_key=f"circle.invited:{membership.pk}:{now.isoformat()}",
        )
    return membership


def invitation_decline(*, circle: Circle, user) -> Membership:
    membership = Membership.objects.filter(circle=circle, user=user, status=MembershipStatus.INVITED).first()
    if membership is None:
        raise ValidationError("There is no invitation to decline.")
    _set_status(membership, MembershipStatus.LEFT, now=timezone.now())
    return membership


def invitee_find(*, name_or_email: str):
    """The active person a facilitator means by a username or e-mail address, or None."""
    value = name_or_email.strip()
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(username__iexact=value) | Q(email__iexact=value))
        .first()
    )


# --- Invitation links ----------------------------------------------------------------------------------


def invite_link_token(link: InviteLink) -> str:
    return signing.dumps({"link": link.pk, "circle": link.circle_id}, salt=INVITE_LINK_SALT)


def invite_link_create(*, circle: Circle, by, valid_days: int) -> InviteLink:
    _manager_access(circle=circle, by=by)
    if not 1 <= valid_days <= INVITE_LINK_MAX_DAYS:
        raise ValidationError({"valid_days": f"An invitation link lasts 1 to {INVITE_LINK_MAX_DAYS} days."})
    now = timezone.now()
    return InviteLink.objects.create(
        circle=circle, created_by=by, created_at=now, expires_at=now + dt.timedelta(days=valid_days)
    )


def invite_link_revoke(*, link: InviteLink, by) -> InviteLink:
    _manager_access(circle=link.circle, by=by)
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
    return link


def invite_link_resolve(*, token: str) -> InviteLink:
    """The link a token stands for; ValidationError saying why when it is forged, expired or withdrawn."""
    try:
        data = signing.loads(token, salt=INVITE_LINK_SALT, max_age=dt.timedelta(days=INVITE_LINK_MAX_DAYS))
    except signing.SignatureExpired:
        raise ValidationError("This invitation link has expired. Ask a facilitator for a new one.") from None
    except signing.BadSignature:
        raise ValidationError("This invitation link is not valid. Check that you copied all of it.") from None
    link = (
        InviteLink.objects.select_related("circle", "circle__course")
        .filter(pk=data.get("link"), circle_id=data.get("circle"))
        .first()
    )
    if link is None or link.revoked_at is not None:
        raise ValidationError("This invitation link was withdrawn. Ask a facilitator for a new one.")
    if not link.is_usable():
        raise ValidationError("This invitation link has expired. Ask a facilitator for a new one.")
    return link


# --- Meetings ------------------------------------------------------------------------------------------


def _queue_meeting_changed(meeting: Meeting, *, by) -> None:
    from .tasks import notify_meeting_changed

    transaction.on_commit(partial(notify_meeting_changed.delay, meeting.pk, meeting.sequence, by.pk), robust=True)


def _changeable_meeting(*, meeting: Meeting, by, now: dt.datetime) -> None:
    _manager_access(circle=meeting.circle, by=by)
    if meeting.is_cancelled:
        raise ValidationError("This meeting is cancelled.")
    if meeting.starts_at <= now:
        raise ValidationError("This meeting has already begun.")


def meeting_move(*, meeting: Meeting, by, starts_at: dt.datetime, note: str = "") -> Meeting:
    """Move one meeting to another time; members are told."""
    now = timezone.now()
    _changeable_meeting(meeting=meeting, by=by, now=now)
    if timezone.is_naive(starts_at):
        raise ValueError("starts_at must be timezone-aware")
    if starts_at <= now:
        raise ValidationError({"starts_at": "Choose a time in the future."})
    if starts_at == meeting.starts_at:
        return meeting
    with transaction.atomic():
        meeting.originally_starts_at = meeting.originally_starts_at or meeting.starts_at
        meeting.starts_at = starts_at.astimezone(UTC)
        meeting.change_note = note[:255]
        meeting.sequence += 1
        meeting.save()
        _queue_meeting_changed(meeting, by=by)
    return meeting


def meeting_cancel(*, meeting: Meeting, by, note: str = "") -> Meeting:
    """Cancel one meeting; members are told, and calendars show it as cancelled."""
    now = timezone.now()
    _changeable_meeting(meeting=meeting, by=by, now=now)
    with transaction.atomic():
        meeting.status = MeetingStatus.CANCELLED
        meeting.change_note = note[:255]
        meeting.sequence += 1
        meeting.save()
        _queue_meeting_changed(meeting, by=by)
    return meeting


def meeting_module_assign(*, meeting: Meeting, by, module: ModulePage | None) -> Meeting:
    """Choose which module of the pinned course version a meeting covers (or none)."""
    _manager_access(circle=meeting.circle, by=by)
    if module is not None and not meeting.circle.pinned_modules.filter(module=module).exists():
        raise ValidationError({"module": "Choose a module of the course version this circle follows."})
    meeting.module = module
    meeting.save(update_fields=["module", "updated_at"])
    return meeting


def meeting_changed_notify(*, meeting_id: int, sequence: int, actor_id: int | None = None) -> int:
    """Tell the members about a moved or cancelled meeting; returns how many were told.

    Each task carries the sequence it was queued for: when the meeting changed again since, the later
    task brings the latest news and this one stays quiet.
    """
    meeting = Meeting.objects.select_related("circle").filter(pk=meeting_id).first()
    if meeting is None or meeting.sequence != sequence:
        return 0
    circle = meeting.circle
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    members = Membership.objects.active().filter(circle=circle).exclude(user_id=actor_id).select_related("user")
    told = 0
    with transaction.atomic():
        for member in members:
            user = member.user
            if meeting.is_cancelled:
                title = f"{circle.name}: meeting {meeting.number} is cancelled"
                body = f"The meeting on {local_time_for(user, meeting.starts_at)} will not take place."
            else:
                title = f"{circle.name}: meeting {meeting.number} moved to {local_time_for(user, meeting.starts_at)}"
                body = f"It was planned for {local_time_for(user, meeting.originally_starts_at or meeting.starts_at)}."
            if meeting.change_note:
                body += f"\n\n{meeting.change_note}"
            sent = notification_send(
                recipient=user,
                kind=notification_kinds.MEETING_CHANGED,
                title=title,
                body=body,
                url=meeting.get_absolute_url(),
                actor=actor,
                dedupe_key=f"circle.meeting_changed:{meeting.pk}:{sequence}",
            )
            told += sent is not None
    return told


def attendance_record(*, meeting: Meeting, by, present: Iterable[int]) -> int:
    """Record who came: ``present`` holds membership ids; every other active member is marked absent."""
    access = circle_access(user=by, circle=meeting.circle)
    _require(access.can_take_attendance, "Only this circle's facilitators take attendance.")
    now = timezone.now()
    if meeting.is_cancelled or meeting.starts_at > now:
        raise ValidationError("Attendance can be taken once the meeting has begun.")
    present = set(present)
    members = set(Membership.objects.active().filter(circle=meeting.circle).values_list("pk", flat=True))
    if present - members:
        raise ValidationError("Attendance can only be recorded for members of the circle.")
    Attendance.objects.bulk_create(
        [
            Attendance(meeting=meeting, membership_id=pk, present=pk in present, recorded_by=by, recorded_at=now)
            for pk in sorted(members)
        ],
        update_conflicts=True,
        unique_fields=["meeting", "membership"],
        update_fields=["present", "recorded_by", "recorded_at"],
    )
    return len(members)


def feedback_submit(*, meeting: Meeting, user, rating: int, reflection: str = "") -> MeetingFeedback:
    """A member's rating (1–5) and reflection on a meeting that has begun; sending again updates it."""
    access = circle_access(user=user, circle=meeting.circle)
    _require(
        access.can_give_feedback(meeting, now=timezone.now()),
        "Only members can give feedback, once the meeting has begun.",
    )
    feedback = MeetingFeedback.objects.filter(meeting=meeting, membership=access.membership).first()
    feedback = feedback or MeetingFeedback(meeting=meeting, membership=access.membership)
    feedback.rating, feedback.reflection = rating, reflection
    feedback.full_clean()
    feedback.save()
    return feedback


# --- Scheduled jobs ------------------------------------------------------------------------------------


def _chunks(items: list, size: int = JOB_CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _members_by_circle(circle_ids: Iterable[int]) -> dict[int, list[Membership]]:
    members: dict[int, list[Membership]] = defaultdict(list)
    for chunk in _chunks(sorted(set(circle_ids))):
        for membership in Membership.objects.active().filter(circle_id__in=chunk).select_related("user"):
            members[membership.circle_id].append(membership)
    return members


def _already_notified(keys: Iterable[str]) -> set[tuple[int, str]]:
    """(recipient id, dedupe key) pairs already recorded, so a re-run of a job costs a few queries."""
    seen: set[tuple[int, str]] = set()
    for chunk in _chunks(sorted(set(keys))):
        seen.update(Notification.objects.filter(dedupe_key__in=chunk).values_list("recipient_id", "dedupe_key"))
    return seen


def meeting_reminders_send(*, now: dt.datetime | None = None) -> int:
    """Remind members 24 hours and 1 hour before each meeting; returns how many reminders were recorded.

    Run every few minutes. A meeting starting within the hour gets the 1-hour reminder, one starting
    within the day the 24-hour one. The dedupe key names the meeting's start time, so a moved meeting is
    reminded again for its new time but never twice for the same one; cancelled meetings are skipped.
    The cost is a constant number of bulk queries plus one ``notification_send`` per new reminder.
    """
    now = now or timezone.now()
    windows, lower = [], now
    for lead, delta in REMINDER_LEADS:
        windows.append((lead, lower, now + delta))
        lower = now + delta
    meetings = (
        Meeting.objects.starting_between(now, now + REMINDER_LEADS[-1][1])
        .filter(circle__state__in=JOINABLE_STATES)
        .select_related("circle", "module")
        .order_by("starts_at", "pk")
    )
    due = []
    for meeting in meetings:
        lead = next(lead for lead, start, end in windows if start < meeting.starts_at <= end)
        due.append((meeting, lead, f"circle.meeting_reminder:{meeting.pk}:{lead}:{meeting.starts_at:%Y%m%dT%H%MZ}"))
    members = _members_by_circle(meeting.circle_id for meeting, _, _ in due)
    seen = _already_notified(key for _, _, key in due)
    sent = 0
    for chunk in _chunks(due):
        with transaction.atomic():
            for meeting, lead, key in chunk:
                recipients = [m.user for m in members.get(meeting.circle_id, ()) if (m.user_id, key) not in seen]
                if recipients:
                    sent += _reminders_send(meeting=meeting, lead=lead, recipients=recipients, dedupe_key=key)
    return sent


def _reminders_send(*, meeting: Meeting, lead: str, recipients: list, dedupe_key: str) -> int:
    """One meeting's reminder to each recipient; only the time, in each one's own zone, differs."""
    circle = meeting.circle
    topic = f" ({meeting.module.title})" if meeting.module_id else ""
    if not circle.is_online:
        where = f"Where: {circle.place}"
    elif circle.meeting_url:
        where = f"Join online: {circle.meeting_url}"
    else:
        where = "Online: the facilitators will share the link."
    title = f"{circle.name} meets {'in an hour' if lead == '1h' else 'tomorrow'}"
    url = circle.get_absolute_url()
    sent = 0
    for user in recipients:
        notification = notification_send(
            recipient=user,
            kind=notification_kinds.MEETING_REMINDER,
            title=title,
            body=f"Meeting {meeting.number}{topic} starts {local_time_for(user, meeting.starts_at)}.\n{where}",
            url=url,
            dedupe_key=dedupe_key,
        )
        sent += notification is not None
    return sent


def feedback_prompts_send(*, now: dt.datetime | None = None) -> int:
    """Ask members how a meeting went soon after it ends: once per meeting, and not if they already said."""
    now = now or timezone.now()
    longest = dt.timedelta(minutes=MAX_MEETING_MINUTES)
    candidates = (
        Meeting.objects.scheduled()
        .filter(starts_at__lte=now, starts_at__gt=now - FEEDBACK_PROMPT_WINDOW - longest)
        .select_related("circle")
    )
    ended = [m for m in candidates if now - FEEDBACK_PROMPT_WINDOW < m.ends_at <= now]
    members = _members_by_circle(meeting.circle_id for meeting in ended)
    keys = {meeting.pk: f"circle.feedback_prompt:{meeting.pk}" for meeting in ended}
    seen = _already_notified(keys.values())
    given = set(
        MeetingFeedback.objects.filter(meeting__in=[m.pk for m in ended]).values_list("meeting_id", "membership_id")
    )
    sent = 0
    with transaction.atomic():
        for meeting in ended:
            for membership in members.get(meeting.circle_id, ()):
                if (membership.user_id, keys[meeting.pk]) in seen or (meeting.pk, membership.pk) in given:
                    continue
                notification = notification_send(
                    recipient=membership.user,
                    kind=notification_kinds.FEEDBACK_PROMPT,
                    title=f"How was meeting {meeting.number} of {meeting.circle.name}?",
                    body="Rate it from 1 to 5 and add a line or two: it helps the facilitators plan the next one.",
                    url=f"{meeting.get_absolute_url()}#feedback",
                    dedupe_key=keys[meeting.pk],
                )
                sent += notification is not None
    return sent


def facilitator_digests_send(*, now: dt.datetime | None = None) -> int:
    """Each facilitator's weekly summary of each circle they run: who joined, who waits, how meetings went."""
    now = now or timezone.now()
    week_ago, week_ahead = now - dt.timedelta(days=7), now + dt.timedelta(days=7)
    year, week, _ = now.isocalendar()
    circles = list(
        Circle.objects.joinable()
        .with_seat_counts()
        .annotate(
            joined_this_week=Count(
                "memberships",
                filter=Q(memberships__status=MembershipStatus.ACTIVE, memberships__joined_at__gte=week_ago),
                distinct=True,
            ),
            pending_count=Count("memberships", filter=Q(memberships__status=MembershipStatus.PENDING), distinct=True),
        )
        .order_by("pk")
    )
    circle_ids = [circle.pk for circle in circles]
    meetings_ahead = dict(
        Meeting.objects.scheduled()
        .filter(circle_id__in=circle_ids, starts_at__gte=now, starts_at__lt=week_ahead)
        .values("circle_id")
        .annotate(count=Count("pk"))
        .values_list("circle_id", "count")
    )
    held = {
        row["circle_id"]: row
        for row in Meeting.objects.scheduled()
        .filter(circle_id__in=circle_ids, starts_at__gte=week_ago, starts_at__lt=now)
        .values("circle_id")
        .annotate(
            present=Count("attendance", filter=Q(attendance__present=True), distinct=True),
            rating=Avg("feedback__rating"),
        )
    }
    facilitators: dict[int, list] = defaultdict(list)
    for membership in Membership.objects.facilitators().filter(circle_id__in=circle_ids).select_related("user"):
        facilitators[membership.circle_id].append(membership.user)
    keys = {circle.pk: f"circle.facilitator_digest:{circle.pk}:{year}-W{week:02d}" for circle in circles}
    seen = _already_notified(keys.values())
    sent = 0
    with transaction.atomic():
        for circle in circles:
            lines = [
                f"Members: {circle.seats_taken} of {circle.capacity} seats taken "
                f"({circle.joined_this_week} joined in the last 7 days).",
                f"Waiting: {circle.waitlist_count} on the waitlist, {circle.pending_count} asking to join.",
                f"Meetings in the coming week: {meetings_ahead.get(circle.pk, 0)}.",
            ]
            if circle.pk in held:
                rating = held[circle.pk]["rating"]
                feedback = f"average feedback {rating:.1f} of 5" if rating else "no feedback yet"
                lines.append(f"Last week: {held[circle.pk]['present']} marked present, {feedback}.")
            for user in facilitators.get(circle.pk, ()):
                if (user.pk, keys[circle.pk]) in seen:
                    continue
                notification = notification_send(
                    recipient=user,
                    kind=notification_kinds.FACILITATOR_DIGEST,
                    title=f"Your week in {circle.name}",
                    body="\n".join(lines),
                    url=_manage_url(circle),
                    dedupe_key=keys[circle.pk],
                )
                sent += notification is not None
    return sent


# --- Calendar feeds ------------------------------------------------------------------------------------


def calendar_feed_get(*, user) -> CalendarFeed:
    feed, _ = CalendarFeed.objects.get_or_create(user=user)
    return feed


def calendar_feed_reset(*, user) -> CalendarFeed:
    """Retire the old secret calendar URL (e.g. after sharing it by mistake) and make a new one."""
    feed = calendar_feed_get(user=user)
    feed.token = new_feed_token()
    feed.created_at = timezone.now()
    feed.save(update_fields=["token", "created_at"])
    return feed
