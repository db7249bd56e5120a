"""Handing one piece of work to one reviewer, whichever way it was chosen, and telling them."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from cohorts.models import AssignmentState, CircleActivity, Review, ReviewAssignment, Submission
from p2pu.notifications.services import notification_send

from .. import notification_kinds


def assignment_create(
    *,
    activity: CircleActivity,
    submission: Submission,
    reviewer_id: int,
    source: str,
    due_at: dt.datetime,
    now: dt.datetime,
    is_anchor: bool = False,
) -> ReviewAssignment:
    """A new assignment; a draft the same reviewer started under a lease that ran out moves over to it."""
    assignment = ReviewAssignment.objects.create(
        activity=activity,
        submission=submission,
        reviewer_id=reviewer_id,
        source=source,
        is_anchor=is_anchor,
        assigned_at=now,
        due_at=due_at,
    )
    Review.objects.filter(
        assignment__submission=submission,
        assignment__reviewer_id=reviewer_id,
        assignment__state=AssignmentState.EXPIRED,
        submitted_at__isnull=True,
    ).update(assignment=assignment)
    return assignment


def assigned_notify(assignment: ReviewAssignment, activity: CircleActivity) -> None:
    """Tell the reviewer about one review handed to them."""
    notification_send(
        recipient=assignment.reviewer,
        kind=notification_kinds.ASSIGNED,
        title=_("You have a review to do for “%(activity)s”") % {"activity": activity.title},
        body=_("In %(circle)s.") % {"circle": activity.circle.name},
        url=assignment.get_absolute_url(),
        dedupe_key=f"review.assigned:{assignment.pk}",
    )
