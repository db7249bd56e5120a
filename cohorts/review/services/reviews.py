"""Writing a review: saving the draft, handing it in, and telling the work's authors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cohorts.models import AssignmentState, CriterionScore, Review, ReviewAssignment
from cohorts.permissions import circle_access
from p2pu.core.permissions import require
from p2pu.notifications.services import notifications_send_many

from .. import notification_kinds, permissions
from ..practice import CALIBRATE_FIRST, calibration_pending
from .common import authors_of


def _writable_assignment(assignment: ReviewAssignment, by) -> None:
    access = circle_access(user=by, circle=assignment.activity.circle)
    require(
        assignment.reviewer_id == by.pk and permissions.can_review(access),
        _("Only the person this review was handed to can write it, while the circle runs."),
    )
    if assignment.state in (AssignmentState.COMPLETED, AssignmentState.DISCARDED):
        raise ValidationError(_("This review is already submitted."))
    if calibration_pending(user=by, activity=assignment.activity, is_facilitator=access.is_facilitator):
        raise ValidationError(CALIBRATE_FIRST)


@transaction.atomic
def review_save_draft(
    *,
    assignment: ReviewAssignment,
    by,
    overall_comment: str,
    scores: Mapping[str, tuple[int | None, str]],
    now: dt.datetime | None = None,
) -> Review:
    """Keep what a reviewer wrote so far. ``scores`` maps criterion id to (level score or None, comment)."""
    now = now or timezone.now()
    _writable_assignment(assignment, by)
    activity = assignment.activity
    levels = {c["id"]: {level["score"] for level in c["levels"]} for c in activity.criteria}
    bad = {
        f"criterion_{criterion_id}_score": _("Choose one of the rubric's levels.")
        for criterion_id, (score, _comment) in scores.items()
        if criterion_id in levels and score is not None and score not in levels[criterion_id]
    }
    if bad:
        raise ValidationError(bad)
    version = assignment.submission.versions.filter(submitted_at__isnull=False).order_by("-number").first()
    defaults = {
        "submission": assignment.submission,
        "version": version,
        "reviewer_id": assignment.reviewer_id,
        "is_anchor": assignment.is_anchor,
        "overall_comment": overall_comment,
        "updated_at": now,
    }
    # The anonymity promise is the one the review was begun under: set once, never updated.
    review, _created = Review.objects.update_or_create(
        assignment=assignment,
        defaults=defaults,
        create_defaults={**defaults, "anonymity": activity.circle.review_anonymity},
    )
    existing = {score.criterion_id: score for score in review.scores.all()}
    for criterion_id in levels:
        score, comment = scores.get(criterion_id, (None, ""))
        row = existing.get(criterion_id)
        if row is None:
            CriterionScore.objects.create(review=review, criterion_id=criterion_id, score=score, comment=comment)
        elif (row.score, row.comment) != (score, comment):
            row.score, row.comment = score, comment
            row.save(update_fields=["score", "comment"])
    return review


@transaction.atomic
def review_submit(*, assignment: ReviewAssignment, by, now: dt.datetime | None = None) -> Review:
    """Hand in the saved draft: every criterion needs a level, and the review an overall comment."""
    now = now or timezone.now()
    _writable_assignment(assignment, by)
    review = Review.objects.filter(assignment=assignment).first()
    if review is None:
        raise ValidationError(_("Save your review before submitting it."))
    scored = {score.criterion_id for score in review.scores.all() if score.score is not None}
    errors = {
        f"criterion_{criterion['id']}_score": _("Choose a level for “%(name)s”.") % {"name": criterion["name"]}
        for criterion in assignment.activity.criteria
        if criterion["id"] not in scored
    }
    if not review.overall_comment.strip():
        errors["overall_comment"] = _("Write an overall comment: what works, and one thing to improve.")
    if errors:
        raise ValidationError(errors)
    # A lease that ran out on finished work still counts, unless they took the work up again since.
    if (
        assignment.state == AssignmentState.EXPIRED
        and ReviewAssignment.objects.holding().filter(submission=assignment.submission, reviewer=by).exists()
    ):
        raise ValidationError(_("You hold a newer assignment for this work; submit the review there."))
    assignment.state = AssignmentState.COMPLETED
    assignment.completed_at = now
    assignment.save(update_fields=["state", "completed_at"])
    review.submitted_at = now
    review.save(update_fields=["submitted_at", "updated_at"])
    review_received_notify(review, assignment)
    return review


def review_received_notify(review: Review, assignment: ReviewAssignment) -> None:
    activity = assignment.activity
    circle = activity.circle
    open_reviews = permissions.review_names_reviewer(review, circle)
    body = _("In %(circle)s.") % {"circle": circle.name}
    if open_reviews:
        body = _("From %(name)s, in %(circle)s.") % {"name": review.reviewer.get_display_name(), "circle": circle.name}
    if circle.feedback_after_own_reviews:
        body = " ".join([body, _("You can read it once your own reviews for this activity are done.")])
    notifications_send_many(
        recipients=authors_of(assignment.submission),
        kind=notification_kinds.RECEIVED,
        title=_("Your work for “%(activity)s” has a new review") % {"activity": activity.title},
        body=body,
        url=assignment.submission.get_absolute_url(),
        # Only an open circle may say who it was from, and the actor is shown wherever notifications are.
        actor=review.reviewer if open_reviews else None,
        dedupe_key=f"review.received:{review.pk}",
    )
