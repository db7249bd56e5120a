"""How a circle runs peer review: its anonymity and feedback rule, and each activity's settings."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cohorts.models import Circle, CircleActivity, Review
from cohorts.models.circles import ReviewAnonymity
from cohorts.permissions import circle_access
from p2pu.core.permissions import require

from .. import permissions
from ..activities import activity_defaults, pinned_activity
from .common import activity_lock, facilitator_access


@transaction.atomic
def circle_review_settings_update(*, circle: Circle, by, review_anonymity: str, feedback_after_own_reviews: bool):
    """Change a circle's anonymity and feedback rule. Anonymity can only grow once reviews exist."""
    facilitator_access(circle, by)
    if review_anonymity not in ReviewAnonymity.values:
        raise ValidationError({"review_anonymity": _("Choose one of the options.")})
    written = Review.objects.filter(submission__activity__circle=circle).submitted().exists()
    refusal = permissions.anonymity_change_refusal(circle=circle, to=review_anonymity, reviews_written=written)
    if refusal:
        raise ValidationError({"review_anonymity": refusal})
    circle.review_anonymity = review_anonymity
    circle.feedback_after_own_reviews = feedback_after_own_reviews
    circle.save(update_fields=["review_anonymity", "feedback_after_own_reviews", "updated_at"])
    return circle


@transaction.atomic
def circle_activity_ensure(*, circle: Circle, module_id: int, activity_id: str, by) -> CircleActivity:
    """The circle's row for one pinned activity, made from the pinned module on first use."""
    access = circle_access(user=by, circle=circle)
    require(access.is_member, _("Only members take part in this circle's activities."))
    existing = CircleActivity.objects.for_block(circle=circle, module_id=module_id, activity_id=activity_id).first()
    if existing is not None:
        return existing
    pinned = pinned_activity(circle, module_id=module_id, activity_id=activity_id)
    if pinned is None:
        raise ValidationError(_("This activity is not part of the course version the circle follows."))
    try:
        with transaction.atomic():
            return CircleActivity.objects.create(
                circle=circle, module_id=module_id, activity_id=activity_id, **activity_defaults(circle, pinned)
            )
    except IntegrityError:  # someone else made it a moment ago
        return CircleActivity.objects.for_block(circle=circle, module_id=module_id, activity_id=activity_id).get()


@transaction.atomic
def circle_activity_update(
    *,
    activity: CircleActivity,
    by,
    allocation_mode: str,
    due_at: dt.datetime,
    review_days: int,
    stuck_after_days: int,
    release_after_days: int,
    self_assessment: bool | None = None,
    calibration: bool | None = None,
) -> CircleActivity:
    """A facilitator's choices for one activity. Mode and deadline are fixed once reviews are handed out.

    Self-assessment needs a rubric, calibration peer review; ``None`` keeps what is set.
    """
    facilitator_access(activity.circle, by)
    activity = activity_lock(activity)
    errors = {}
    started = activity.assignments.exists() or activity.is_allocated
    if started and allocation_mode != activity.allocation_mode:
        errors["allocation_mode"] = _("Reviews have already been handed out, so the way they are handed out stays.")
    if activity.is_allocated and due_at != activity.due_at:
        errors["due_at"] = _("Reviews were handed out at the deadline, so it can no longer move.")
    if errors:
        raise ValidationError(errors)
    activity.allocation_mode = allocation_mode
    activity.due_at = due_at
    activity.review_days = review_days
    activity.stuck_after_days = stuck_after_days
    activity.release_after_days = release_after_days
    if self_assessment is not None:
        activity.self_assessment = self_assessment and bool(activity.criteria)
    if calibration is not None:
        activity.calibration = calibration and activity.has_peer_review
    activity.full_clean(exclude=["circle", "module", "rubric"])
    activity.save()
    return activity
