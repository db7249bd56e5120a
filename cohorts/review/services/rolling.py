"""Rolling review: a learner asks for the next work waiting and holds it under a lease for a while.

The queue is a SQL query (``SubmissionQuerySet.rolling_candidates``) tested against its pure twin
``cohorts.review.allocation.rolling_order``. Requests lock the activity's row, so two of them in
one activity see each other's leases.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cohorts.models import AssignmentSource, AssignmentState, CircleActivity, ReviewAssignment, Submission
from cohorts.permissions import circle_access
from p2pu.core.permissions import require

from .. import permissions
from ..practice import CALIBRATE_FIRST, calibration_pending
from .assignments import assignment_create
from .common import activity_lock, own_submission


def review_request_next(*, activity: CircleActivity, user, now: dt.datetime | None = None) -> ReviewAssignment | None:
    """Rolling review: lease the waiting work with the fewest reviews done or under way to ``user``.

    Someone who already holds a lease in this activity gets that one back. Returns None when there
    is nothing they may review right now.
    """
    now = now or timezone.now()
    access = circle_access(user=user, circle=activity.circle)
    require(
        permissions.can_review(access) and permissions.is_learner(access),
        _("Only learners in this circle review, while it runs."),
    )
    if not (activity.is_rolling and activity.has_peer_review):
        raise ValidationError(_("Reviews for this activity are handed out at the deadline."))
    if calibration_pending(user=user, activity=activity, is_facilitator=access.is_facilitator):
        raise ValidationError(CALIBRATE_FIRST)
    with transaction.atomic():
        activity = activity_lock(activity)
        own = own_submission(activity, user)
        if own is None or not own.is_submitted:
            raise ValidationError(_("Submit your own work first; then you can review others'."))
        review_leases_expire(now=now, activity=activity)
        held = ReviewAssignment.objects.open().filter(activity=activity, reviewer=user, source=AssignmentSource.ROLLING)
        if (existing := held.first()) is not None:
            return existing
        candidate = Submission.objects.rolling_candidates(activity=activity, reviewer=user, now=now).first()
        if candidate is None:
            return None
        lease = dt.timedelta(hours=settings.REVIEW_LEASE_HOURS)
        return assignment_create(
            activity=activity,
            submission=candidate,
            reviewer_id=user.pk,
            source=AssignmentSource.ROLLING,
            due_at=now + lease,
            now=now,
        )


def review_leases_expire(*, now: dt.datetime | None = None, activity: CircleActivity | None = None) -> int:
    """Rolling leases past their time run out, so their work goes back to the front of the queue."""
    now = now or timezone.now()
    leases = ReviewAssignment.objects.open().filter(source=AssignmentSource.ROLLING, due_at__lte=now)
    if activity is not None:
        leases = leases.filter(activity=activity)
    return leases.update(state=AssignmentState.EXPIRED, ended_at=now)
