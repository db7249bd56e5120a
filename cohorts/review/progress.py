"""Where every learner stands in one activity: the facilitators' progress matrix and its CSV read this."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db.models import Count, Q
from django.utils.translation import pgettext

from cohorts.models import AssignmentState, CircleActivity, Membership, ReviewAssignment, ReviewFlag

from .results import activity_results_for


def progress_rows(activity: CircleActivity, *, now: dt.datetime) -> list[dict]:
    """One row per learner: their work, reviews given and received, flags and what is stuck.

    A constant number of queries, whatever the number of learners and submissions.
    """
    learners = list(Membership.objects.learners().filter(circle=activity.circle).select_related("user"))
    submissions = list(
        activity.submissions.with_reviews_done()
        .annotate(version_count=Count("versions", filter=Q(versions__submitted_at__isnull=False), distinct=True))
        .prefetch_related("authors")
    )
    submission_of = {author.user_id: s for s in submissions for author in s.authors.all()}
    given = _reviews_given(activity)
    flags = list(ReviewFlag.objects.filter(activity=activity).select_related("review"))
    unresolved = [flag for flag in flags if not flag.is_resolved]
    open_flags_on_reviews_by = Counter(flag.review.reviewer_id for flag in unresolved)
    open_flags_on_work = Counter(flag.review.submission_id for flag in unresolved)
    results = activity_results_for(activity)
    k = activity.reviews_per_submission
    rows = []
    for membership in learners:
        submission = submission_of.get(membership.user_id)
        counts = given.get(membership.user_id, {"done": 0, "open": 0})
        row = {
            "user": membership.user,
            "submission": submission,
            "status": pgettext("submission state", "Not started"),
            "late": False,
            "versions": 0,
            "received": 0,
            "given_done": counts["done"],
            "given_open": counts["open"],
            "flags_on_reviews_given": open_flags_on_reviews_by.get(membership.user_id, 0),
            "flags_on_work": 0,
            "stuck": False,
            "disagreement": False,
            "released": False,
        }
        if submission is not None:
            result = results.for_submission(submission.pk)
            row.update(
                status=submission.get_state_display(),
                late=submission.is_submitted and submission.submitted_at > activity.due_at,
                versions=submission.version_count,
                received=submission.reviews_done,
                flags_on_work=open_flags_on_work.get(submission.pk, 0),
                stuck=bool(
                    submission.is_submitted
                    and not submission.is_released
                    and k
                    and submission.reviews_done < k
                    and activity.stuck_at(submission.submitted_at) <= now
                ),
                disagreement=bool(result and result.flagged),
                released=submission.is_released,
            )
        rows.append(row)
    return rows


def _reviews_given(activity: CircleActivity) -> dict[int, dict[str, int]]:
    """Per reviewer, the reviews they have done and still have open in this activity."""
    given: dict[int, dict[str, int]] = {}
    for reviewer_id, state in ReviewAssignment.objects.filter(activity=activity).values_list("reviewer_id", "state"):
        counts = given.setdefault(reviewer_id, {"done": 0, "open": 0})
        if state == AssignmentState.COMPLETED:
            counts["done"] += 1
        elif state == AssignmentState.OPEN:
            counts["open"] += 1
    return given
