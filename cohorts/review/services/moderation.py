"""Facilitators dealing with flagged reviews: hide one, ask for another, note why."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cohorts import audit_actions
from cohorts.models import AssignmentSource, AssignmentState, Review, ReviewAssignment, ReviewFlag
from p2pu.audit.services import audit_record

from .allocation import allocate_more
from .common import activity_lock, facilitator_access


@transaction.atomic
def flag_resolve(
    *,
    flag: ReviewFlag,
    by,
    hide_review: bool,
    ask_for_another: bool,
    note: str = "",
    now: dt.datetime | None = None,
) -> list[str]:
    """A facilitator deals with a flag: hide the review, ask for another, and note why.

    Every open flag on the same review is resolved the same way. Returns what could not be done
    (no one free to write another review).
    """
    now = now or timezone.now()
    activity = flag.activity
    facilitator_access(activity.circle, by)
    flags = ReviewFlag.objects.select_for_update().filter(review_id=flag.review_id).unresolved()
    if not flags.exists():
        raise ValidationError(_("This flag has already been dealt with."))
    review = Review.objects.select_related("assignment", "reviewer").get(pk=flag.review_id)
    if hide_review and not review.is_hidden:
        review.hidden_at, review.hidden_by = now, by
        review.save(update_fields=["hidden_at", "hidden_by", "updated_at"])
        ReviewAssignment.objects.filter(pk=review.assignment_id).update(state=AssignmentState.DISCARDED, ended_at=now)
        audit_record(
            actor=by,
            action=audit_actions.REVIEW_HIDDEN,
            subject=review,
            target=review.reviewer,
            scope=activity.circle,
            reason=note,
        )
    problems = []
    if ask_for_another:
        problems = allocate_more(
            review.submission, activity=activity_lock(activity), now=now, source=AssignmentSource.REPLACEMENT, wanted=1
        )
    audit_record(
        actor=by,
        action=audit_actions.REVIEW_FLAG_RESOLVED,
        subject=flag,
        target=review.reviewer,
        scope=activity.circle,
        reason=note,
    )
    flags.update(
        resolved_at=now,
        resolved_by=by,
        review_hidden=hide_review or review.is_hidden,
        another_requested=ask_for_another,
        note=note.strip(),
    )
    return problems
