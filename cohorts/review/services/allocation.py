"""Handing out reviews: at the deadline (button or beat job), for late work, and by a facilitator.

The choice of reviewers is the pure ``cohorts.review.allocation``; this side reads the circle,
writes the assignments under the activity's row lock (so two facilitators, or the beat job and a
facilitator, never allocate twice), tells people, and words the allocation's problems with names.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cohorts.models import (
    AllocationMode,
    AssignmentSource,
    AssignmentState,
    CircleActivity,
    ReviewAssignment,
    Submission,
    SubmissionAuthor,
    SubmissionState,
)
from p2pu.notifications.services import NotificationDraft, notifications_bulk_send

from .. import allocation as rules
from .. import notification_kinds
from .assignments import assigned_notify, assignment_create
from .common import (
    activity_lock,
    authors_of,
    facilitator_access,
    learner_ids,
    progress_url,
    review_due_at,
    to_do_url,
)


def names_joined(names) -> str:
    """Co-authors' names as one phrase: "Ann and Ben", "Ann and Ben and Cat"."""
    names = list(names)
    joined = names[0] if names else ""
    for name in names[1:]:
        joined = _("%(first)s and %(second)s") % {"first": joined, "second": name}
    return joined


def _shortfall_reason(problem: rules.Problem) -> str:
    """Why a submission gets, or a person gives, fewer reviews than the activity asks."""
    others, for_work = problem.others, problem.kind is rules.ProblemKind.SUBMISSION_SHORT
    if others == 0:
        return _("everyone who may review wrote it") if for_work else _("every submission is their own")
    if others <= problem.reviews:
        if for_work:
            return ngettext(
                "only %(others)d of the reviewers did not write it",
                "only %(others)d of the reviewers did not write it",
                others,
            ) % {"others": others}
        return ngettext(
            "only %(others)d of the submissions is by someone else",
            "only %(others)d of the submissions are by someone else",
            others,
        ) % {"others": others}
    if for_work:
        return _("nobody else could take it without breaking a rule")
    return _("no other submission could be given without breaking a rule")


def problem_words(problem: rules.Problem, *, work_of: Mapping, people: Mapping) -> str:
    """One allocation problem as facilitators read it: ``work_of`` and ``people`` name the ids."""
    k, reviews = problem.k, problem.reviews
    match problem.kind:
        case rules.ProblemKind.NOBODY_MAY_REVIEW:
            return _("Nobody may review, so no submission gets a review.")
        case rules.ProblemKind.LONE_SUBMITTER:
            return _("Only 1 person submitted, so nobody can review their work.")
        case rules.ProblemKind.TOO_FEW_SUBMITTERS:
            return ngettext(
                "Only %(people)d people submitted, so each submission can get at most %(reviews)d review "
                "instead of %(k)d.",
                "Only %(people)d people submitted, so each submission can get at most %(reviews)d reviews "
                "instead of %(k)d.",
                reviews,
            ) % {"people": problem.people, "reviews": reviews, "k": k}
        case rules.ProblemKind.SMALL_CIRCLE_RECIPROCAL_PAIRS:
            return ngettext(
                "With only %(people)d people, %(pairs)d pair of them review each other's work; "
                "avoiding that takes at least %(needed)d people.",
                "With only %(people)d people, %(pairs)d pairs of them review each other's work; "
                "avoiding that takes at least %(needed)d people.",
                problem.pairs,
            ) % {"people": problem.people, "pairs": problem.pairs, "needed": 2 * k + 1}
        case rules.ProblemKind.RECIPROCAL_PAIRS:
            return ngettext(
                "%(pairs)d pair of people review each other's work: "
                "the circle is too small to avoid it with %(k)d reviews each.",
                "%(pairs)d pairs of people review each other's work: "
                "the circle is too small to avoid it with %(k)d reviews each.",
                problem.pairs,
            ) % {"pairs": problem.pairs, "k": k}
        case rules.ProblemKind.SUBMISSION_SHORT:
            work = work_of.get(problem.submission, _("someone"))
            return ngettext(
                "The work of %(work)s gets only %(reviews)d of %(k)d review: %(reason)s.",
                "The work of %(work)s gets only %(reviews)d of %(k)d reviews: %(reason)s.",
                k,
            ) % {"work": work, "reviews": reviews, "k": k, "reason": _shortfall_reason(problem)}
        case rules.ProblemKind.REVIEWER_SHORT:
            person = people.get(problem.person, _("Someone"))
            return ngettext(
                "%(person)s gives only %(reviews)d of %(k)d review: %(reason)s.",
                "%(person)s gives only %(reviews)d of %(k)d reviews: %(reason)s.",
                k,
            ) % {"person": person, "reviews": reviews, "k": k, "reason": _shortfall_reason(problem)}
        case rules.ProblemKind.LATE_SUBMISSION_SHORT:
            work = work_of.get(problem.submission, _("someone"))
            return ngettext(
                "The work of %(work)s gets only %(reviews)d of %(k)d review: "
                "nobody else who did not write it may review it.",
                "The work of %(work)s gets only %(reviews)d of %(k)d reviews: "
                "nobody else who did not write it may review it.",
                k,
            ) % {"work": work, "reviews": reviews, "k": k}


def reviews_allocate_at_deadline(*, activity: CircleActivity, by=None, now: dt.datetime | None = None) -> list[str]:
    """Hand out reviews for everything submitted on time; returns what could not be guaranteed.

    ``by`` is the facilitator pressing the button (before the deadline, that closes it now), or
    None for the beat job. Idempotent: a second call returns the first call's problems.
    """
    now = now or timezone.now()
    if by is not None:
        facilitator_access(activity.circle, by)
    with transaction.atomic():
        activity = activity_lock(activity)
        if activity.is_allocated:
            return list(activity.allocation_problems)
        if activity.allocation_mode != AllocationMode.DEADLINE or not activity.has_peer_review:
            raise ValidationError(_("This activity does not hand out reviews at a deadline."))
        if activity.due_at > now:
            activity.due_at = now
        submitted = list(activity.submissions.submitted().prefetch_related("authors__user"))
        on_time = [s for s in submitted if s.submitted_at <= activity.due_at]
        late = [s for s in submitted if s.submitted_at > activity.due_at]
        learners = learner_ids(activity.circle)
        people = {a.user_id: a.user.get_display_name() for s in submitted for a in s.authors.all()}
        work_of = {s.pk: names_joined(people[a.user_id] for a in s.authors.all()) for s in on_time}
        result = rules.allocate_at_deadline(
            [rules.Submission(id=s.pk, authors=frozenset(a.user_id for a in s.authors.all())) for s in on_time],
            reviewers={a.user_id for s in on_time for a in s.authors.all() if a.user_id in learners},
            k=activity.reviews_per_submission,
            seed=activity.pk,
        )
        due = review_due_at(activity, now)
        ReviewAssignment.objects.bulk_create(
            ReviewAssignment(
                activity=activity,
                submission_id=submission_id,
                reviewer_id=reviewer_id,
                source=AssignmentSource.DEADLINE,
                assigned_at=now,
                due_at=due,
            )
            for reviewer_id, submission_id in result.assignments
        )
        problems = [problem_words(problem, work_of=work_of, people=people) for problem in result.problems]
        if not on_time:
            problems.insert(0, _("Nobody had submitted work by the deadline, so there were no reviews to hand out."))
        activity.allocated_at = now
        activity.allocation_problems = problems
        activity.save(update_fields=["allocated_at", "allocation_problems", "due_at"])
        for submission in late:
            problems += allocate_more(submission, activity=activity, now=now, source=AssignmentSource.LATE)
        loads = Counter(reviewer for reviewer, _submission in result.assignments)
        _allocated_notify(activity, loads=loads, problems=problems)
        return problems


def _allocated_notify(activity: CircleActivity, *, loads: Counter, problems: list[str]) -> None:
    url = to_do_url()
    handed_out = sum(loads.values())
    summary = ngettext(
        "%(reviews)d review was handed out to %(people)d people for “%(activity)s”.",
        "%(reviews)d reviews were handed out to %(people)d people for “%(activity)s”.",
        handed_out,
    ) % {"reviews": handed_out, "people": len(loads), "activity": activity.title}
    if problems:
        facilitator_title = _("Reviews handed out in %(circle)s: some could not be guaranteed")
    else:
        facilitator_title = _("Reviews handed out in %(circle)s")
    notifications_bulk_send(
        drafts=[
            *(
                NotificationDraft(
                    recipient=reviewer,
                    kind=notification_kinds.ASSIGNED,
                    title=ngettext(
                        "You have %(count)d review to do for “%(activity)s”",
                        "You have %(count)d reviews to do for “%(activity)s”",
                        loads[reviewer.pk],
                    )
                    % {"count": loads[reviewer.pk], "activity": activity.title},
                    body=ngettext(
                        "In %(circle)s. They are due in %(days)d day.",
                        "In %(circle)s. They are due in %(days)d days.",
                        activity.review_days,
                    )
                    % {"circle": activity.circle.name, "days": activity.review_days},
                    url=url,
                    dedupe_key=f"review.assigned:{activity.pk}:deadline:{reviewer.pk}",
                )
                for reviewer in get_user_model().objects.filter(pk__in=loads)
            ),
            *(
                NotificationDraft(
                    recipient=facilitator,
                    kind=notification_kinds.ALLOCATED,
                    title=facilitator_title % {"circle": activity.circle.name},
                    body=" ".join([summary, *problems]),
                    url=progress_url(activity),
                    dedupe_key=f"review.allocated:{activity.pk}",
                )
                for facilitator in activity.circle.memberships.facilitators().people()
            ),
        ]
    )


def allocate_more(
    submission: Submission,
    *,
    activity: CircleActivity,
    now: dt.datetime,
    source: str,
    wanted: int | None = None,
) -> list[str]:
    """Top the work up with reviewers who give the fewest reviews so far; returns any shortfall.

    ``wanted`` reviews more, or by default as many as it lacks of the activity's number. Reviewers
    are learners here who handed in work for the activity; never an author, never someone who
    reviews (or whose review was hidden on) this work already, and someone the authors review only
    when nobody else is free.
    """
    holders = list(ReviewAssignment.objects.holding().filter(submission=submission).values_list("reviewer_id", "state"))
    active = sum(1 for _reviewer, state in holders if state != AssignmentState.DISCARDED)
    if wanted is None:
        wanted = max(0, activity.reviews_per_submission - active)
    if not wanted:
        return []
    learners = learner_ids(activity.circle)
    pool = (
        set(
            SubmissionAuthor.objects.filter(activity=activity, submission__state=SubmissionState.SUBMITTED)
            .values_list("user_id", flat=True)
            .distinct()
        )
        & learners
    )
    load = Counter(
        ReviewAssignment.objects.holding()
        .filter(activity=activity)
        .exclude(state=AssignmentState.DISCARDED)
        .values_list("reviewer_id", flat=True)
    )
    authors = frozenset(submission.authors.values_list("user_id", flat=True))
    already = {reviewer for reviewer, _state in holders}
    # People whose work the authors review come last, so no pair reviews each other while others are free.
    reviewed_by_authors = set(
        SubmissionAuthor.objects.filter(
            activity=activity,
            submission__assignments__reviewer__in=authors,
            submission__assignments__state__in=[AssignmentState.OPEN, AssignmentState.COMPLETED],
        ).values_list("user_id", flat=True)
    )
    for reviewers in (pool - reviewed_by_authors, pool):
        result = rules.allocate_late_submission(
            rules.Submission(id=submission.pk, authors=authors),
            reviewers=reviewers,
            load=load,
            already_reviewing=already,
            k=len(already) + wanted,
            seed=submission.pk,
        )
        if len(result.assignments) == wanted:
            break
    due = review_due_at(activity, now)
    for reviewer_id, _submission in result.assignments:
        assignment = assignment_create(
            activity=activity, submission=submission, reviewer_id=reviewer_id, source=source, due_at=due, now=now
        )
        assigned_notify(assignment, activity)
    missing = wanted - len(result.assignments)
    if not missing:
        return []
    names = names_joined(user.get_display_name() for user in authors_of(submission))
    return [
        ngettext(
            "The work of %(names)s still lacks %(missing)d review: nobody else who handed in work is free to "
            "review it. You can review it yourself from the progress page.",
            "The work of %(names)s still lacks %(missing)d reviews: nobody else who handed in work is free to "
            "review it. You can review it yourself from the progress page.",
            missing,
        )
        % {"names": names, "missing": missing}
    ]


def review_late_allocate(*, submission_id: int, now: dt.datetime | None = None) -> list[str]:
    """Reviewers for work handed in after the deadline's reviews went out (idempotent: tops up only)."""
    now = now or timezone.now()
    with transaction.atomic():
        submission = Submission.objects.filter(pk=submission_id).select_related("activity").first()
        if submission is None or not submission.is_submitted or submission.is_released:
            return []
        activity = activity_lock(submission.activity)
        if not (activity.is_allocated and activity.has_peer_review):
            return []
        return allocate_more(submission, activity=activity, now=now, source=AssignmentSource.LATE)


def reviews_allocate_due(*, now: dt.datetime | None = None) -> int:
    """The beat job: hand out reviews for every deadline activity whose deadline has passed."""
    now = now or timezone.now()
    allocated = 0
    for activity in CircleActivity.objects.due_for_allocation(now=now).select_related("circle"):
        reviews_allocate_at_deadline(activity=activity, now=now)
        allocated += 1
    return allocated


@transaction.atomic
def review_facilitator_take(*, submission: Submission, by, now: dt.datetime | None = None) -> ReviewAssignment:
    """A facilitator reviews the work themselves; their review anchors the corrected scores."""
    now = now or timezone.now()
    activity = submission.activity
    facilitator_access(activity.circle, by)
    existing = ReviewAssignment.objects.holding().filter(submission=submission, reviewer=by).first()
    if existing is not None:
        return existing
    if not submission.is_submitted:
        raise ValidationError(_("This work has not been submitted yet."))
    return assignment_create(
        activity=activity,
        submission=submission,
        reviewer_id=by.pk,
        source=AssignmentSource.FACILITATOR,
        due_at=review_due_at(activity, now),
        now=now,
        is_anchor=True,
    )
