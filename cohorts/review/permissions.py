"""Who may see and do what in peer review: the one place views, services and templates ask.

Built on ``cohorts.permissions.CircleAccess`` (the viewer's membership). The rules:

- Only active learners submit work; facilitators run the round, moderate, and may review work
  themselves (their reviews anchor the corrected scores).
- A submission is seen by its authors, the circle's facilitators, and people holding an
  assignment to review it. Nobody else, not even other members.
- Names follow the stricter of the circle's anonymity setting and the one each review was begun
  under (``Review.anonymity``). Facilitators see both sides, except the reviewers of their own work;
  authors see their reviewers' names only when both are open; reviewers see the author's name
  unless either is double-blind.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.utils.translation import gettext as _

from cohorts.models import (
    AssignmentState,
    Circle,
    CircleActivity,
    CircleState,
    Review,
    ReviewAssignment,
    Role,
    Submission,
    SubmissionAuthor,
    SubmissionVersion,
)
from cohorts.models.circles import ReviewAnonymity
from cohorts.permissions import CircleAccess

#: Circle states in which learners hand in and revise work, and reviews are written.
WORKING_STATES = (CircleState.OPEN, CircleState.RUNNING)


def is_learner(access: CircleAccess) -> bool:
    return access.is_member and access.membership.role == Role.LEARNER


def can_submit_work(access: CircleAccess) -> bool:
    return is_learner(access) and access.circle.state in WORKING_STATES


def can_review(access: CircleAccess) -> bool:
    """Members write the reviews they hold while the circle is open or running."""
    return access.is_member and access.circle.state in WORKING_STATES


def can_run_reviews(access: CircleAccess) -> bool:
    """Facilitators see progress, hand out reviews, change settings and moderate flags."""
    return access.is_facilitator


#: Anonymity from least to most: a circle may only move up this list once reviews have been written,
#: so nobody who reviewed expecting to stay anonymous is ever named.
ANONYMITY_ORDER = [ReviewAnonymity.OPEN, ReviewAnonymity.REVIEWERS_HIDDEN, ReviewAnonymity.DOUBLE_BLIND]


def stricter_anonymity(*levels: str) -> str:
    return max(levels, key=ANONYMITY_ORDER.index)


def review_names_reviewer(review: Review, circle: Circle) -> bool:
    """Whether the author of the work may learn who wrote this review."""
    return stricter_anonymity(review.anonymity, circle.review_anonymity) == ReviewAnonymity.OPEN


def review_names_author(review: Review | None, circle: Circle) -> bool:
    """Whether the reviewer may learn whose work it is (``review``: theirs, once begun)."""
    promised = review.anonymity if review is not None else circle.review_anonymity
    return stricter_anonymity(promised, circle.review_anonymity) != ReviewAnonymity.DOUBLE_BLIND


def anonymity_change_refusal(*, circle: Circle, to: str, reviews_written: bool) -> str:
    """Why the circle's anonymity may not change to ``to``, or "" when it may."""
    if reviews_written and ANONYMITY_ORDER.index(to) < ANONYMITY_ORDER.index(circle.review_anonymity):
        return _("Reviews have already been written under the current setting, so it can only become more anonymous.")
    return ""


def own_reviews_done(*, user, activity: CircleActivity) -> bool:
    """Whether this person has done the reviews asked of them in this activity.

    At the deadline: nothing left open of what was handed out. Rolling: ``k`` reviews done, or as
    many as there is other work to review.
    """
    assignments = ReviewAssignment.objects.filter(activity=activity, reviewer=user)
    if assignments.open().exists():
        return False
    if not activity.is_rolling:
        return activity.is_allocated or not activity.has_peer_review
    done = assignments.filter(state=AssignmentState.COMPLETED).count()
    others = activity.submissions.submitted().exclude(authors__user=user).count()
    return done >= min(activity.reviews_per_submission, others)


@dataclass(frozen=True)
class SubmissionAccess:
    """What one person may see and do with one submission."""

    access: CircleAccess
    submission: Submission
    is_author: bool
    #: The viewer's own assignment to review this work (open, done, or hidden), if any.
    assignment: ReviewAssignment | None

    @property
    def circle(self) -> Circle:
        return self.access.circle

    @property
    def is_facilitator(self) -> bool:
        return self.access.is_facilitator

    @property
    def can_view(self) -> bool:
        if self.is_facilitator:
            return True
        return self.access.is_member and (self.is_author or self.assignment is not None)

    def can_view_version(self, version: SubmissionVersion) -> bool:
        """Authors and facilitators see every version, drafts included; a reviewer only the version
        handed to them, never a draft the authors are still writing or an earlier version."""
        if not self.can_view:
            return False
        if self.is_author or self.is_facilitator:
            return True
        under_review = version_under_review(self.assignment)
        return under_review is not None and version.pk == under_review.pk

    @property
    def can_edit(self) -> bool:
        """Authors write drafts and revisions while the circle is open or running."""
        return self.is_author and can_submit_work(self.access)

    @cached_property  # read once per comment on a page of threads
    def sees_authors(self) -> bool:
        if self.is_author or self.is_facilitator:
            return True
        review = Review.objects.filter(assignment=self.assignment).first() if self.assignment else None
        return review_names_author(review, self.circle)

    def sees_reviewer_of(self, review: Review) -> bool:
        """Never the reviewers of one's own work beyond what the promise allows, even as a facilitator
        (a learner made co-facilitator stays an author)."""
        if self.is_author:
            return review_names_reviewer(review, self.circle)
        return self.is_facilitator or review_names_reviewer(review, self.circle)

    def can_read_feedback(self, *, own_reviews_done: bool) -> bool:
        if self.is_facilitator:
            return True
        if not (self.is_author and self.access.is_member):
            return False
        return own_reviews_done or not self.circle.feedback_after_own_reviews

    def can_respond_to(self, review) -> bool:
        """Authors rate a review's helpfulness and flag it, once it is submitted and while it shows."""
        return self.is_author and self.access.is_member and review.is_submitted and not review.is_hidden


def version_under_review(assignment: ReviewAssignment) -> SubmissionVersion | None:
    """The version a reviewer reads: the one their submitted review is of, else the newest submitted."""
    review = Review.objects.filter(assignment=assignment).select_related("version").first()
    return version_of_review(assignment, review)


def version_of_review(assignment: ReviewAssignment, review: Review | None) -> SubmissionVersion | None:
    """As ``version_under_review``, for a caller that has already read the assignment's review (or None)."""
    if review is not None and review.is_submitted:
        return review.version
    return assignment.submission.versions.filter(submitted_at__isnull=False).order_by("-number").first()


def submission_access(*, access: CircleAccess, submission: Submission) -> SubmissionAccess:
    user = access.user
    if not user.is_authenticated:
        return SubmissionAccess(access, submission, is_author=False, assignment=None)
    is_author = SubmissionAuthor.objects.filter(submission=submission, user=user).exists()
    assignment = (
        ReviewAssignment.objects.holding().filter(submission=submission, reviewer=user).first()
        if not is_author
        else None
    )
    return SubmissionAccess(access, submission, is_author=is_author, assignment=assignment)


# Inline comments, final scores and appeals.
#
# A thread on a passage belongs to one review. Its reviewer sees only the threads of their own
# review (never other reviewers' comments, nor what the authors answered them); the work's authors
# see every thread of a review they may read (submitted, not hidden, and feedback open to them);
# facilitators see all. Those who see a thread reply in it while the circle works, and flag what
# someone else wrote in it.


def sees_threads_of(seen: SubmissionAccess, review, *, can_read_feedback: bool) -> bool:
    if seen.is_facilitator:
        return True
    if seen.assignment is not None and review.reviewer_id == seen.access.user.pk:
        return seen.access.is_member
    return seen.is_author and can_read_feedback and review.is_submitted and not review.is_hidden


def can_comment_inline(seen: SubmissionAccess) -> bool:
    """The reviewer comments on passages of the work they review, while the review counts."""
    return (
        seen.assignment is not None
        and seen.assignment.state != AssignmentState.DISCARDED
        and bool(seen.submission.versions.filter(submitted_at__isnull=False).exclude(text="").exists())
        and can_review(seen.access)
    )


def can_reply_in_thread(seen: SubmissionAccess, review, *, can_read_feedback: bool) -> bool:
    return can_review(seen.access) and sees_threads_of(seen, review, can_read_feedback=can_read_feedback)


def can_flag_comment(seen: SubmissionAccess, comment, *, can_read_feedback: bool) -> bool:
    return (
        seen.access.is_member
        and not seen.is_facilitator
        and comment.written_by_id != seen.access.user.pk
        and sees_threads_of(seen, comment.review, can_read_feedback=can_read_feedback)
    )


def can_appeal(seen: SubmissionAccess, *, can_read_feedback: bool) -> bool:
    """An author appeals the score of their submitted work once they can read its feedback."""
    return seen.is_author and can_read_feedback and can_review(seen.access) and seen.submission.is_submitted
