"""The schedule a circle's meetings are expanded from, and the course version the circle pins."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from .. import scheduling
from ..models import Circle, Meeting, MeetingStatus, PinnedModule, ScheduleKind
from ..permissions import manager_access


def schedule_instants(circle: Circle) -> list[dt.datetime]:
    """The circle's meetings as UTC instants, expanded from its schedule in its own time zone."""
    if circle.schedule_kind == ScheduleKind.WEEKLY:
        return scheduling.expand_weekly(
            circle.start_date, circle.weekday, circle.meeting_time, circle.weeks, circle.time_zone
        )
    return scheduling.expand_explicit(
        (dt.datetime.fromisoformat(value) for value in circle.meeting_dates), circle.time_zone
    )


def pin_course_version(circle: Circle, *, now: dt.datetime) -> list[PinnedModule]:
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


def meetings_sync(circle: Circle, pinned: list[PinnedModule]) -> bool:
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
    manager_access(circle=circle, user=by)
    now = timezone.now()
    with transaction.atomic():
        pinned = pin_course_version(circle, now=now)
        kept = {pin.module_id for pin in pinned}
        for meeting in circle.meetings.filter(starts_at__gt=now).order_by("number"):
            if meeting.module_id not in kept:
                meeting.module_id = _module_for(meeting.number, pinned)
                meeting.save(update_fields=["module", "updated_at"])
    return circle
