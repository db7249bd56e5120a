"""One meeting at a time: moving, cancelling, choosing its module, attendance, and members' feedback."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from datetime import UTC

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext

from courses.models import ModulePage
from p2pu.core.jobs import enqueue_after_commit
from p2pu.core.locales import person_language
from p2pu.core.permissions import require
from p2pu.core.zones import person_zone
from p2pu.notifications.services import notification_send

from .. import notification_kinds, rate_limits
from ..models import Attendance, Meeting, MeetingFeedback, MeetingStatus, Membership
from ..permissions import circle_access, manager_access


def local_time_for(user, instant: dt.datetime) -> str:
    """An instant as one person reads it: “Tue 5 Mar 2024, 18:00 (Europe/Berlin)”."""
    zone = person_zone(user)
    return f"{date_format(instant.astimezone(zone), 'D j M Y, H:i')} ({zone.key})"


def _queue_meeting_changed(meeting: Meeting, *, by) -> None:
    enqueue_after_commit("cohorts.tasks.notify_meeting_changed", meeting.pk, meeting.sequence, by.pk)


def _changeable_meeting(*, meeting: Meeting, by, now: dt.datetime) -> None:
    manager_access(circle=meeting.circle, user=by)
    if meeting.is_cancelled:
        raise ValidationError(gettext("This meeting is cancelled."))
    if meeting.starts_at <= now:
        raise ValidationError(gettext("This meeting has already begun."))


def meeting_move(*, meeting: Meeting, by, starts_at: dt.datetime, note: str = "") -> Meeting:
    """Move one meeting to another time; members are told."""
    now = timezone.now()
    _changeable_meeting(meeting=meeting, by=by, now=now)
    if timezone.is_naive(starts_at):
        raise ValueError("starts_at must be timezone-aware")
    if starts_at <= now:
        raise ValidationError({"starts_at": gettext("Choose a time in the future.")})
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
    manager_access(circle=meeting.circle, user=by)
    if module is not None and not meeting.circle.pinned_modules.filter(module=module).exists():
        raise ValidationError({"module": gettext("Choose a module of the course version this circle follows.")})
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
    # The meeting changed whatever the count; only the news of it stops once the circle's allowance is used.
    if not rate_limits.CHANGES_TOLD.hit(circle.pk):
        return 0
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    told = 0
    with transaction.atomic():
        for user in circle.memberships.active().exclude(user_id=actor_id).people():
            with translation.override(person_language(user, hint=circle.language)):
                title, body = _meeting_changed_texts(meeting, user)
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


def _meeting_changed_texts(meeting: Meeting, user) -> tuple[str, str]:
    """The title and body telling one member about a moved or cancelled meeting, at their own time."""
    circle = meeting.circle
    if meeting.is_cancelled:
        title = gettext("%(circle)s: meeting %(number)d is cancelled") % {
            "circle": circle.name,
            "number": meeting.number,
        }
        body = gettext("The meeting on %(when)s will not take place.") % {
            "when": local_time_for(user, meeting.starts_at)
        }
    else:
        title = gettext("%(circle)s: meeting %(number)d moved to %(when)s") % {
            "circle": circle.name,
            "number": meeting.number,
            "when": local_time_for(user, meeting.starts_at),
        }
        body = gettext("It was planned for %(when)s.") % {
            "when": local_time_for(user, meeting.originally_starts_at or meeting.starts_at)
        }
    if meeting.change_note:
        body += f"\n\n{meeting.change_note}"
    return title, body


def attendance_record(*, meeting: Meeting, by, present: Iterable[int]) -> int:
    """Record who came: ``present`` holds membership ids; every other active member is marked absent."""
    access = circle_access(user=by, circle=meeting.circle)
    require(access.can_take_attendance, gettext("Only this circle's facilitators take attendance."))
    now = timezone.now()
    if meeting.is_cancelled or meeting.starts_at > now:
        raise ValidationError(gettext("Attendance can be taken once the meeting has begun."))
    present = set(present)
    members = set(Membership.objects.active().filter(circle=meeting.circle).values_list("pk", flat=True))
    if present - members:
        raise ValidationError(gettext("Attendance can only be recorded for members of the circle."))
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
    require(
        access.can_give_feedback(meeting, now=timezone.now()),
        gettext("Only members can give feedback, once the meeting has begun."),
    )
    feedback = MeetingFeedback.objects.filter(meeting=meeting, membership=access.membership).first()
    feedback = feedback or MeetingFeedback(meeting=meeting, membership=access.membership)
    feedback.rating, feedback.reflection = rating, reflection
    feedback.full_clean()
    feedback.save()
    return feedback
