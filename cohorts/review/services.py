"""Every write in peer review. Keyword arguments only; each service checks who is acting.

Allocation uses the pure functions in ``cohorts.review.allocation``; the rolling queue is a SQL
query (``SubmissionQuerySet.rolling_candidates``) tested against its pure twin. Handing out reviews
locks the activity's row, so two facilitators (or the beat job and a facilitator) never allocate
twice, and two rolling requests in one activity see each other's leases.

Notifications go through ``p2pu.notifications.services`` with dedupe keys, so every event reaches
a person once. Nothing sent to an author names a reviewer unless the circle's reviews are open.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from cohorts.models import (
    AllocationMode,
    AssignmentSource,
    AssignmentState,
    Circle,
    CircleActivity,
    CircleState,
    CriterionScore,
    FlagReason,
    Membership,
    Review,
    ReviewAssignment,
    ReviewFlag,
    Submission,
    SubmissionAuthor,
    SubmissionState,
    SubmissionVersion,
)
from cohorts.models.circles import ReviewAnonymity
from cohorts.permissions import circle_access
from p2pu.notifications.services import notification_send, notifications_send_many

from . import allocation, notification_kinds, permissions
from .activities import activity_defaults, pinned_activity

#: How long before a review is due its reviewer is reminded.
REMINDER_LEAD = dt.timedelta(hours=24)


# --- Helpers -----------------------------------------------------------------------------------------


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _facilitator_access(circle: Circle, by):
    access = circle_access(user=by, circle=circle)
    _require(permissions.can_run_reviews(access), "Only this circle's facilitators can do that.")
    return access


def _facilitators(circle: Circle) -> list:
    return [m.user for m in Membership.objects.facilitators().filter(circle=circle).select_related("user")]


def _learner_ids(circle: Circle) -> set[int]:
    return set(Membership.objects.learners().filter(circle=circle).values_list("user_id", flat=True))


def _lock(activity: CircleActivity) -> CircleActivity:
    """The activity's row, locked until the transaction ends (only its own row: the circle stays free)."""
    return CircleActivity.objects.select_for_update(of=("self",)).select_related("circle").get(pk=activity.pk)


def _authors(submission: Submission) -> list:
    return [author.user for author in submission.authors.select_related("user")]


def _progress_url(activity: CircleActivity) -> str:
    return reverse("cohorts:review:progress", kwargs={"circle_id": activity.circle_id, "activity_pk": activity.pk})


def _moderation_url(circle: Circle) -> str:
    return reverse("cohorts:review:moderation", kwargs={"circle_id": circle.pk})


def _to_do_url() -> str:
    return reverse("my_learning:index") + "#reviews-heading"


def _review_days(activity: CircleActivity, now: dt.datetime) -> dt.datetime:
    return now + dt.timedelta(days=activity.review_days)


# --- Settings ----------------------------------------------------------------------------------------


@transaction.atomic
def circle_review_settings_update(*, circle: Circle, by, review_anonymity: str, feedback_after_own_reviews: bool):
    """Change a circle's anonymity and feedback rule. Anonymity can only grow once reviews exist."""
    _facilitator_access(circle, by)
    if review_anonymity not in ReviewAnonymity.values:
        raise ValidationError({"review_anonymity": "Choose one of the options."})
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
    _require(access.is_member, "Only members take part in this circle's activities.")
    existing = CircleActivity.objects.for_block(circle=circle, module_id=module_id, activity_id=activity_id).first()
    if existing is not None:
        return existing
    pinned = pinned_activity(circle, module_id=module_id, activity_id=activity_id)
    if pinned is None:
        raise ValidationError("This activity is not part of the course version the circle follows.")
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
) -> CircleActivity:
    """A facilitator's choices for one activity. Mode and deadline are fixed once reviews are handed out."""
    _facilitator_access(activity.circle, by)
    activity = _lock(activity)
    errors = {}
    started = activity.assignments.exists() or activity.is_allocated
    if started and allocation_mode != activity.allocation_mode:
        errors["allocation_mode"] = "Reviews have already been handed out, so the way they are handed out stays."
    if activity.is_allocated and due_at != activity.due_at:
        errors["due_at"] = "Reviews were handed out at the deadline, so it can no longer move."
    if errors:
        raise ValidationError(errors)
    activity.allocation_mode = allocation_mode
    activity.due_at = due_at
    activity.review_days = review_days
    activity.stuck_after_days = stuck_after_days
    activity.release_after_days = release_after_days
    activity.full_clean(exclude=["circle", "module", "rubric"])
    activity.save()
    return activity


# --- Submissions -------------------------------------------------------------------------------------


def _own_submission(activity: CircleActivity, user) -> Submission | None:
    return Submission.objects.filter(activity=activity).by_author(user).first()


@transaction.atomic
def submission_save_draft(
    *,
    activity: CircleActivity,
    user,
    text: str = "",
    link: str = "",
    file=None,
    change_note: str = "",
    coauthors: Iterable | None = None,
) -> Submission:
    """Save what someone is writing. Editing submitted work starts a new version (a revision).

    ``coauthors`` (other learners in the circle who have no work of their own for the activity yet)
    are chosen by whoever started the work, until it is first submitted; None leaves them as they are.
    """
    access = circle_access(user=user, circle=activity.circle)
    _require(permissions.can_submit_work(access), "Only learners in this circle can hand in work, while it runs.")
    now = timezone.now()
    submission = _own_submission(activity, user)
    if submission is None:
        submission = Submission.objects.create(activity=activity, created_by=user)
        SubmissionAuthor.objects.create(submission=submission, activity=activity, user=user)
    if coauthors is not None:
        _require(
            submission.created_by_id == user.pk and not submission.is_submitted,
            "Co-authors are chosen by whoever started the work, before it is submitted.",
        )
        _coauthors_set(submission, by=user, coauthors=coauthors)
    draft = submission.versions.filter(submitted_at__isnull=True).first()
    if draft is None:
        latest = submission.versions.order_by("-number").first()
        draft = SubmissionVersion(submission=submission, number=(latest.number + 1) if latest else 1)
        if latest is not None:  # a revision keeps the file unless a new one comes
            draft.file, draft.file_name, draft.file_size = latest.file.name, latest.file_name, latest.file_size
    draft.text = text
    draft.link = link
    draft.change_note = change_note if draft.number > 1 else ""
    if file is not None:
        draft.file.save(file.name, file, save=False)
        draft.file_name, draft.file_size = file.name, file.size
    draft.updated_at = now
    draft.save()
    Submission.objects.filter(pk=submission.pk).update(updated_at=now)
    return submission


def _coauthors_set(submission: Submission, *, by, coauthors: Iterable) -> None:
    wanted = {user.pk: user for user in coauthors if user.pk != by.pk}
    activity = submission.activity
    current = set(submission.authors.values_list("user_id", flat=True))
    learners = _learner_ids(activity.circle)
    taken = set(
        SubmissionAuthor.objects.filter(activity=activity)
        .exclude(submission=submission)
        .values_list("user_id", flat=True)
    )
    refused = [user for pk, user in wanted.items() if pk not in learners or pk in taken]
    if refused:
        names = ", ".join(user.get_display_name() for user in refused)
        raise ValidationError({"coauthors": f"{names} cannot co-author this: not a learner here, or already has work."})
    keep = set(wanted) | {submission.created_by_id}
    submission.authors.exclude(user_id__in=keep).delete()
    SubmissionAuthor.objects.bulk_create(
        SubmissionAuthor(submission=submission, activity=activity, user_id=pk) for pk in set(wanted) - current
    )


REQUIRED_CONTENT = {
    "text": ("text", "Write your work here before submitting it."),
    "link": ("link", "Add the link to your work before submitting it."),
    "file": ("file", "Upload your file before submitting it."),
}


@transaction.atomic
def submission_submit(*, submission: Submission, by, now: dt.datetime | None = None) -> SubmissionVersion:
    """Hand in the draft: the first version enters review; a later one is a revision reviewers see."""
    now = now or timezone.now()
    activity = submission.activity
    access = circle_access(user=by, circle=activity.circle)
    _require(
        permissions.can_submit_work(access) and submission.authors.filter(user=by).exists(),
        "Only the work's authors can submit it, while the circle runs.",
    )
    draft = submission.versions.filter(submitted_at__isnull=True).first()
    if draft is None:
        raise ValidationError("There is no draft to submit: edit your work first.")
    field, message = REQUIRED_CONTENT.get(activity.submission_type, REQUIRED_CONTENT["text"])
    if not (draft.text.strip() if field == "text" else getattr(draft, field)):
        raise ValidationError({field: message})
    draft.submitted_at = now
    draft.save(update_fields=["submitted_at", "updated_at"])
    first = not submission.is_submitted
    if first:
        submission.state = SubmissionState.SUBMITTED
        submission.submitted_at = now
        submission.save(update_fields=["state", "submitted_at", "updated_at"])
        if activity.has_peer_review and activity.is_allocated:
            from .tasks import allocate_late_submission

            transaction.on_commit(partial(allocate_late_submission.delay, submission.pk), robust=True)
    return draft


# --- Allocation --------------------------------------------------------------------------------------


def _names_in_problems(problems: list[str], submissions: list[Submission], people: Mapping[int, str]) -> list[str]:
    """The allocation's plain-language problems with names for the ids (facilitators read these)."""
    work_of = {str(s.pk): " and ".join(people.get(a.user_id, "someone") for a in s.authors.all()) for s in submissions}
    named = []
    for line in problems:
        line = re.sub(r"^Submission (\S+) ", lambda m: f"The work of {work_of.get(m.group(1), 'someone')} ", line)
        line = re.sub(r"^(\d+) gives only", lambda m: f"{people.get(int(m.group(1)), 'Someone')} gives only", line)
        named.append(line)
    return named


def reviews_allocate_at_deadline(*, activity: CircleActivity, by=None, now: dt.datetime | None = None) -> list[str]:
    """Hand out reviews for everything submitted on time; returns what could not be guaranteed.

    ``by`` is the facilitator pressing the button (before the deadline, that closes it now), or
    None for the beat job. Idempotent: a second call returns the first call's problems.
    """
    now = now or timezone.now()
    if by is not None:
        _facilitator_access(activity.circle, by)
    with transaction.atomic():
        activity = _lock(activity)
        if activity.is_allocated:
            return list(activity.allocation_problems)
        if activity.allocation_mode != AllocationMode.DEADLINE or not activity.has_peer_review:
            raise ValidationError("This activity does not hand out reviews at a deadline.")
        if activity.due_at > now:
            activity.due_at = now
        submitted = list(activity.submissions.submitted().prefetch_related("authors__user"))
        on_time = [s for s in submitted if s.submitted_at <= activity.due_at]
        late = [s for s in submitted if s.submitted_at > activity.due_at]
        learners = _learner_ids(activity.circle)
        people = {a.user_id: a.user.get_display_name() for s in submitted for a in s.authors.all()}
        result = allocation.allocate_at_deadline(
            [allocation.Submission(id=s.pk, authors=frozenset(a.user_id for a in s.authors.all())) for s in on_time],
            reviewers={a.user_id for s in on_time for a in s.authors.all() if a.user_id in learners},
            k=activity.reviews_per_submission,
            seed=activity.pk,
        )
        due = _review_days(activity, now)
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
        problems = _names_in_problems(result.problems, on_time, people)
        if not on_time:
            problems.insert(0, "Nobody had submitted work by the deadline, so there were no reviews to hand out.")
        activity.allocated_at = now
        activity.allocation_problems = problems
        activity.save(update_fields=["allocated_at", "allocation_problems", "due_at"])
        for submission in late:
            problems += _allocate_more(submission, activity=activity, now=now, source=AssignmentSource.LATE)
        _notify_allocated(activity, loads=Counter(reviewer for reviewer, _ in result.assignments), problems=problems)
        return problems


def _notify_allocated(activity: CircleActivity, *, loads: Counter, problems: list[str]) -> None:
    from django.contrib.auth import get_user_model

    url = _to_do_url()
    for reviewer in get_user_model().objects.filter(pk__in=loads):
        count = loads[reviewer.pk]
        notification_send(
            recipient=reviewer,
            kind=notification_kinds.ASSIGNED,
            title=f"You have {count} review{'' if count == 1 else 's'} to do for “{activity.title}”",
            body=f"In {activity.circle.name}. They are due in {activity.review_days} days.",
            url=url,
            dedupe_key=f"review.assigned:{activity.pk}:deadline:{reviewer.pk}",
        )
    summary = f"{sum(loads.values())} reviews were handed out to {len(loads)} people for “{activity.title}”."
    notifications_send_many(
        recipients=_facilitators(activity.circle),
        kind=notification_kinds.ALLOCATED,
        title=f"Reviews handed out in {activity.circle.name}" + (": some could not be guaranteed" if problems else ""),
        body=" ".join([summary, *problems]),
        url=_progress_url(activity),
        dedupe_key=f"review.allocated:{activity.pk}",
    )


def _assign(
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


def _notify_assigned(assignment: ReviewAssignment, activity: CircleActivity) -> None:
    from django.contrib.auth import get_user_model

    reviewer = get_user_model().objects.get(pk=assignment.reviewer_id)
    notification_send(
        recipient=reviewer,
        kind=notification_kinds.ASSIGNED,
        title=f"You have a review to do for “{activity.title}”",
        body=f"In {activity.circle.name}.",
        url=assignment.get_absolute_url(),
        dedupe_key=f"review.assigned:{assignment.pk}",
    )


def _allocate_more(
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
    active = sum(1 for _, state in holders if state != AssignmentState.DISCARDED)
    if wanted is None:
        wanted = max(0, activity.reviews_per_submission - active)
    if not wanted:
        return []
    learners = _learner_ids(activity.circle)
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
    already = {reviewer for reviewer, _ in holders}
    # People whose work the authors review come last, so no pair reviews each other while others are free.
    reviewed_by_authors = set(
        SubmissionAuthor.objects.filter(
            activity=activity,
            submission__assignments__reviewer__in=authors,
            submission__assignments__state__in=[AssignmentState.OPEN, AssignmentState.COMPLETED],
        ).values_list("user_id", flat=True)
    )
    for reviewers in (pool - reviewed_by_authors, pool):
        result = allocation.allocate_late_submission(
            allocation.Submission(id=submission.pk, authors=authors),
            reviewers=reviewers,
            load=load,
            already_reviewing=already,
            k=len(already) + wanted,
            seed=submission.pk,
        )
        if len(result.assignments) == wanted:
            break
    due = _review_days(activity, now)
    for reviewer_id, _ in result.assignments:
        assignment = _assign(
            activity=activity, submission=submission, reviewer_id=reviewer_id, source=source, due_at=due, now=now
        )
        _notify_assigned(assignment, activity)
    missing = wanted - len(result.assignments)
    if not missing:
        return []
    names = " and ".join(user.get_display_name() for user in _authors(submission))
    return [
        f"The work of {names} still lacks {missing} review{'' if missing == 1 else 's'}: nobody else who handed in "
        "work is free to review it. You can review it yourself from the progress page."
    ]


def review_late_allocate(*, submission_id: int, now: dt.datetime | None = None) -> list[str]:
    """Reviewers for work handed in after the deadline's reviews went out (idempotent: tops up only)."""
    now = now or timezone.now()
    with transaction.atomic():
        submission = Submission.objects.filter(pk=submission_id).select_related("activity").first()
        if submission is None or not submission.is_submitted or submission.is_released:
            return []
        activity = _lock(submission.activity)
        if not (activity.is_allocated and activity.has_peer_review):
            return []
        return _allocate_more(submission, activity=activity, now=now, source=AssignmentSource.LATE)


def reviews_allocate_due(*, now: dt.datetime | None = None) -> int:
    """The beat job: hand out reviews for every deadline activity whose deadline has passed."""
    now = now or timezone.now()
    allocated = 0
    for activity in CircleActivity.objects.due_for_allocation(now=now).select_related("circle"):
        reviews_allocate_at_deadline(activity=activity, now=now)
        allocated += 1
    return allocated


def review_request_next(*, activity: CircleActivity, user, now: dt.datetime | None = None) -> ReviewAssignment | None:
    """Rolling review: lease the waiting work with the fewest reviews done or under way to ``user``.

    Someone who already holds a lease in this activity gets that one back. Returns None when there
    is nothing they may review right now.
    """
    now = now or timezone.now()
    access = circle_access(user=user, circle=activity.circle)
    _require(
        permissions.can_review(access) and permissions.is_learner(access),
        "Only learners in this circle review, while it runs.",
    )
    if not (activity.is_rolling and activity.has_peer_review):
        raise ValidationError("Reviews for this activity are handed out at the deadline.")
    with transaction.atomic():
        activity = _lock(activity)
        own = _own_submission(activity, user)
        if own is None or not own.is_submitted:
            raise ValidationError("Submit your own work first; then you can review others'.")
        review_leases_expire(now=now, activity=activity)
        held = ReviewAssignment.objects.open().filter(activity=activity, reviewer=user, source=AssignmentSource.ROLLING)
        if (existing := held.first()) is not None:
            return existing
        candidate = Submission.objects.rolling_candidates(activity=activity, reviewer=user, now=now).first()
        if candidate is None:
            return None
        lease = dt.timedelta(hours=settings.REVIEW_LEASE_HOURS)
        return _assign(
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


@transaction.atomic
def review_facilitator_take(*, submission: Submission, by, now: dt.datetime | None = None) -> ReviewAssignment:
    """A facilitator reviews the work themselves; their review anchors the corrected scores."""
    now = now or timezone.now()
    activity = submission.activity
    _facilitator_access(activity.circle, by)
    existing = ReviewAssignment.objects.holding().filter(submission=submission, reviewer=by).first()
    if existing is not None:
        return existing
    if not submission.is_submitted:
        raise ValidationError("This work has not been submitted yet.")
    return _assign(
        activity=activity,
        submission=submission,
        reviewer_id=by.pk,
        source=AssignmentSource.FACILITATOR,
        due_at=_review_days(activity, now),
        now=now,
        is_anchor=True,
    )


@transaction.atomic
def submission_release(*, submission: Submission, by, now: dt.datetime | None = None) -> Submission:
    """Close work that is stuck short of reviews: its scores stand on fewer reviews, marked so."""
    now = now or timezone.now()
    activity = submission.activity
    _facilitator_access(activity.circle, by)
    if not submission.is_submitted or submission.is_released:
        raise ValidationError("Only submitted work that is still open can be released.")
    done = ReviewAssignment.objects.filter(submission=submission, state=AssignmentState.COMPLETED).count()
    if done >= activity.reviews_per_submission:
        raise ValidationError("This work already has all its reviews.")
    if now < activity.releasable_at(submission.submitted_at):
        when = timezone.localtime(activity.releasable_at(submission.submitted_at))
        raise ValidationError(f"Give reviewers until {when:%d %b %Y, %H:%M} before releasing it with fewer reviews.")
    submission.released_at, submission.released_by = now, by
    submission.save(update_fields=["released_at", "released_by", "updated_at"])
    return submission


# --- Reviews -----------------------------------------------------------------------------------------


def _writable_assignment(assignment: ReviewAssignment, by) -> None:
    access = circle_access(user=by, circle=assignment.activity.circle)
    _require(
        assignment.reviewer_id == by.pk and permissions.can_review(access),
        "Only the person this review was handed to can write it, while the circle runs.",
    )
    if assignment.state in (AssignmentState.COMPLETED, AssignmentState.DISCARDED):
        raise ValidationError("This review is already submitted.")


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
        f"criterion_{criterion_id}_score": "Choose one of the rubric's levels."
        for criterion_id, (score, _) in scores.items()
        if criterion_id in levels and score is not None and score not in levels[criterion_id]
    }
    if bad:
        raise ValidationError(bad)
    version = assignment.submission.versions.filter(submitted_at__isnull=False).order_by("-number").first()
    review, _ = Review.objects.update_or_create(
        assignment=assignment,
        defaults={
            "submission": assignment.submission,
            "version": version,
            "reviewer_id": assignment.reviewer_id,
            "is_anchor": assignment.is_anchor,
            "overall_comment": overall_comment,
            "updated_at": now,
        },
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
        raise ValidationError("Save your review before submitting it.")
    scored = {score.criterion_id for score in review.scores.all() if score.score is not None}
    errors = {
        f"criterion_{criterion['id']}_score": f"Choose a level for “{criterion['name']}”."
        for criterion in assignment.activity.criteria
        if criterion["id"] not in scored
    }
    if not review.overall_comment.strip():
        errors["overall_comment"] = "Write an overall comment: what works, and one thing to improve."
    if errors:
        raise ValidationError(errors)
    # A lease that ran out on finished work still counts, unless they took the work up again since.
    if (
        assignment.state == AssignmentState.EXPIRED
        and ReviewAssignment.objects.holding().filter(submission=assignment.submission, reviewer=by).exists()
    ):
        raise ValidationError("You hold a newer assignment for this work; submit the review there.")
    assignment.state = AssignmentState.COMPLETED
    assignment.completed_at = now
    assignment.save(update_fields=["state", "completed_at"])
    review.submitted_at = now
    review.save(update_fields=["submitted_at", "updated_at"])
    _notify_review_received(review, assignment)
    return review


def _notify_review_received(review: Review, assignment: ReviewAssignment) -> None:
    activity = assignment.activity
    circle = activity.circle
    open_reviews = permissions.author_sees_reviewers(circle)
    body = f"In {circle.name}."
    if open_reviews:
        body = f"From {review.reviewer.get_display_name()}, in {circle.name}."
    if circle.feedback_after_own_reviews:
        body += " You can read it once your own reviews for this activity are done."
    notifications_send_many(
        recipients=_authors(assignment.submission),
        kind=notification_kinds.RECEIVED,
        title=f"Your work for “{activity.title}” has a new review",
        body=body,
        url=assignment.submission.get_absolute_url(),
        # Only an open circle may say who it was from, and the actor is shown wherever notifications are.
        actor=review.reviewer if open_reviews else None,
        dedupe_key=f"review.received:{review.pk}",
    )


def _respondable(review: Review, by) -> None:
    access = circle_access(user=by, circle=review.submission.activity.circle)
    is_author = SubmissionAuthor.objects.filter(submission=review.submission, user=by).exists()
    _require(
        is_author and access.is_member and review.is_submitted and not review.is_hidden,
        "Only the work's authors can respond to its reviews.",
    )


@transaction.atomic
def review_rate(*, review: Review, by, helpfulness: int, now: dt.datetime | None = None) -> Review:
    """The author says how helpful a review was; its reviewer sees the rating."""
    _respondable(review, by)
    if helpfulness not in dict(Review.HELPFULNESS_CHOICES):
        raise ValidationError({"helpfulness": "Choose how helpful the review was."})
    review.helpfulness = helpfulness
    review.helpfulness_rated_at = now or timezone.now()
    review.save(update_fields=["helpfulness", "helpfulness_rated_at", "updated_at"])
    return review


@transaction.atomic
def review_flag(*, review: Review, by, reason: str, explanation: str, now: dt.datetime | None = None) -> ReviewFlag:
    """The author reports a review as inappropriate; it goes to the facilitators' moderation queue."""
    _respondable(review, by)
    errors = {}
    if reason not in FlagReason.values:
        errors["reason"] = "Choose a reason."
    if not explanation.strip():
        errors["explanation"] = "Say what is wrong with the review, so a facilitator can act on it."
    if errors:
        raise ValidationError(errors)
    if ReviewFlag.objects.filter(review=review, raised_by=by).exists():
        raise ValidationError("You have already flagged this review; a facilitator will look at it.")
    activity = review.submission.activity
    flag = ReviewFlag.objects.create(
        review=review,
        activity=activity,
        raised_by=by,
        reason=reason,
        explanation=explanation.strip(),
        raised_at=now or timezone.now(),
    )
    notifications_send_many(
        recipients=_facilitators(activity.circle),
        kind=notification_kinds.FLAG_RAISED,
        title=f"A review was flagged in {activity.circle.name}",
        body=f"“{activity.title}”: {flag.get_reason_display()}.",
        url=_moderation_url(activity.circle),
        dedupe_key=f"review.flag_raised:{flag.pk}",
    )
    return flag


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
    _facilitator_access(activity.circle, by)
    flags = ReviewFlag.objects.select_for_update().filter(review_id=flag.review_id).unresolved()
    if not flags.exists():
        raise ValidationError("This flag has already been dealt with.")
    review = Review.objects.select_related("assignment").get(pk=flag.review_id)
    if hide_review and not review.is_hidden:
        review.hidden_at, review.hidden_by = now, by
        review.save(update_fields=["hidden_at", "hidden_by", "updated_at"])
        ReviewAssignment.objects.filter(pk=review.assignment_id).update(state=AssignmentState.DISCARDED, ended_at=now)
    problems = []
    if ask_for_another:
        problems = _allocate_more(
            review.submission, activity=_lock(activity), now=now, source=AssignmentSource.REPLACEMENT, wanted=1
        )
    flags.update(
        resolved_at=now,
        resolved_by=by,
        review_hidden=hide_review or review.is_hidden,
        another_requested=ask_for_another,
        note=note.strip(),
    )
    return problems


# --- Jobs --------------------------------------------------------------------------------------------


def review_reminders_send(*, now: dt.datetime | None = None) -> int:
    """Remind reviewers a day before a review is due (once per assignment)."""
    now = now or timezone.now()
    due_soon = (
        ReviewAssignment.objects.open()
        .filter(due_at__gt=now, due_at__lte=now + REMINDER_LEAD)
        .filter(activity__circle__state__in=permissions.WORKING_STATES)
        .select_related("activity", "activity__circle", "reviewer")
    )
    sent = 0
    for assignment in due_soon:
        lease = " Your hold on it runs out then and it goes back to the queue." if assignment.is_lease else ""
        sent += (
            notification_send(
                recipient=assignment.reviewer,
                kind=notification_kinds.DUE_SOON,
                title=f"A review for “{assignment.activity.title}” is due within a day",
                body=f"In {assignment.activity.circle.name}.{lease}",
                url=assignment.get_absolute_url(),
                dedupe_key=f"review.due_soon:{assignment.pk}",
            )
            is not None
        )
    return sent


def submissions_stuck_alert(*, now: dt.datetime | None = None) -> int:
    """Tell facilitators about work still short of reviews ``stuck_after_days`` after the deadline."""
    now = now or timezone.now()
    short = (
        Submission.objects.submitted()
        .filter(released_at__isnull=True, stuck_alerted_at__isnull=True, activity__due_at__lte=now)
        .exclude(activity__circle__state__in=[CircleState.DRAFT, CircleState.CANCELLED])
        .with_reviews_done()
        .filter(reviews_done__lt=F("activity__reviews_per_submission"))
        .select_related("activity", "activity__circle")
    )
    alerted = 0
    for submission in short:
        activity = submission.activity
        if activity.stuck_at(submission.submitted_at) > now:
            continue
        releasable = timezone.localtime(activity.releasable_at(submission.submitted_at))
        notifications_send_many(
            recipients=_facilitators(activity.circle),
            kind=notification_kinds.STUCK,
            title=f"Work in {activity.circle.name} is still waiting for reviews",
            body=(
                f"“{activity.title}”: {submission.reviews_done} of {activity.reviews_per_submission} reviews. "
                f"Review it yourself, or release it with fewer reviews from {releasable:%d %b %Y}."
            ),
            url=_progress_url(activity),
            dedupe_key=f"review.stuck:{submission.pk}",
        )
        Submission.objects.filter(pk=submission.pk).update(stuck_alerted_at=now)
        alerted += 1
    return alerted
