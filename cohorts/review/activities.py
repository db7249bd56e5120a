"""The activities of a circle's pinned course version, read from the pinned module revisions.

A circle reviews work against the course as it pinned it, so activities come from each
``PinnedModule.revision`` rather than from the live pages; the rubric is taken as it was when the
circle pinned the course. ``CircleActivity`` rows are made from these only when someone first
saves work (see ``services.circle_activity_ensure``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from wagtail.models import Revision

from cohorts.models import Circle, CircleActivity, Meeting, PinnedModule


@dataclass(frozen=True)
class PinnedActivity:
    """An Activity block of a pinned module: where it is and its block value."""

    pin: PinnedModule
    module: object  # the ModulePage as pinned (built from its revision)
    activity_id: str
    value: object  # the ActivityBlock's StructValue

    @property
    def title(self) -> str:
        return self.value["title"]


def pinned_activities(circle: Circle) -> list[PinnedActivity]:
    """Every activity of the circle's pinned course, in outline order (one query per pinned module)."""
    found = []
    for pin in circle.pinned_modules.select_related("revision").order_by("position"):
        if pin.revision is None or pin.module_id is None:
            continue
        module = pin.revision.as_object()
        found += [PinnedActivity(pin, module, block_id, value) for block_id, value in module.activities()]
    return found


def pinned_activity(circle: Circle, *, module_id: int, activity_id: str) -> PinnedActivity | None:
    pin = circle.pinned_modules.select_related("revision").filter(module_id=module_id).first()
    if pin is None or pin.revision is None:
        return None
    module = pin.revision.as_object()
    value = module.activity(activity_id)
    return PinnedActivity(pin, module, activity_id, value) if value is not None else None


def _criteria_as_pinned(rubric, pinned_at: dt.datetime | None) -> list[dict]:
    """The rubric's criteria as of the circle's pin (its newest revision by then), else as it is now."""
    if rubric is None:
        return []
    revision = None
    if pinned_at is not None:
        revision = (
            Revision.objects.for_instance(rubric)
            .filter(created_at__lte=pinned_at)
            .order_by("-created_at", "-pk")
            .first()
        )
    return (revision.as_object() if revision else rubric).criteria_list()


def default_due_at(circle: Circle, pinned: PinnedActivity, *, now: dt.datetime | None = None) -> dt.datetime:
    """The deadline the course sets: ``due_offset_days`` after the meeting on this module.

    Without a scheduled meeting on the module, the offset counts from now.
    """
    meeting = (
        Meeting.objects.scheduled()
        .filter(circle=circle, module_id=pinned.pin.module_id)
        .order_by("starts_at")
        .values_list("starts_at", flat=True)
        .first()
    )
    start = meeting or now or timezone.now()
    return start + dt.timedelta(days=pinned.value["due_offset_days"] or 0)


def activity_defaults(circle: Circle, pinned: PinnedActivity) -> dict:
    """Field values for a new CircleActivity, copied from the pinned activity."""
    value = pinned.value
    rubric = value["rubric"]
    criteria = _criteria_as_pinned(rubric, circle.pinned_at)
    reviews = value["reviews_per_submission"] if criteria else 0
    return {
        "title": value["title"],
        "submission_type": value["submission_type"],
        "reviews_per_submission": reviews,
        "rubric": rubric,
        "criteria": criteria,
        "due_at": default_due_at(circle, pinned),
        # Module revisions pinned before these options existed lack them.
        "self_assessment": bool(value.get("self_assessment")) and bool(criteria),
        "calibration": bool(value.get("calibration")) and bool(reviews),
    }


def activity_for(circle: Circle, pinned: PinnedActivity) -> CircleActivity:
    """The circle's CircleActivity for a pinned activity: the saved one, or an unsaved one with defaults."""
    existing = CircleActivity.objects.for_block(
        circle=circle, module_id=pinned.pin.module_id, activity_id=pinned.activity_id
    ).first()
    if existing is not None:
        existing.circle = circle
        return existing
    return CircleActivity(
        circle=circle,
        module_id=pinned.pin.module_id,
        activity_id=pinned.activity_id,
        **activity_defaults(circle, pinned),
    )
