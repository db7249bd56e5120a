"""Peer review in a circle: an activity as the circle runs it, submissions and their versions,
review assignments (leases), reviews with rubric scores, and flags raised on reviews.

Writes go through ``cohorts.review.services``; the rules for who sees what are in
``cohorts.review.permissions``. The pure algorithms behind allocation and scoring live in
``cohorts.review.allocation`` and ``cohorts.review.scoring``.
"""

import datetime as dt
import os
import secrets

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Func, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property

from .choices import CircleState, MembershipStatus

__all__ = [
    "AllocationMode",
    "AssignmentSource",
    "AssignmentState",
    "CircleActivity",
    "CriterionScore",
    "FlagReason",
    "Review",
    "ReviewAssignment",
    "ReviewFlag",
    "Submission",
    "SubmissionAuthor",
    "SubmissionState",
    "SubmissionVersion",
]


class AllocationMode(models.TextChoices):
    DEADLINE = "deadline", "At the deadline: everyone who submitted on time gives and gets the same number of reviews"
    ROLLING = "rolling", "Rolling: whoever has submitted presses “Review” for the next piece of work waiting"


class CircleActivityQuerySet(models.QuerySet):
    def for_block(self, *, circle, module_id: int, activity_id: str):
        return self.filter(circle=circle, module_id=module_id, activity_id=activity_id)

    def due_for_allocation(self, *, now: dt.datetime):
        """Deadline activities whose deadline has passed and whose reviews were not handed out yet."""
        return self.filter(
            allocation_mode=AllocationMode.DEADLINE,
            allocated_at__isnull=True,
            due_at__lte=now,
            reviews_per_submission__gt=0,
        ).exclude(circle__state__in=[CircleState.DRAFT, CircleState.CANCELLED])


class CircleActivity(models.Model):
    """An activity of the circle's pinned course as this circle runs it.

    Created when someone first saves work for it (or a facilitator changes its settings). The title,
    submission type, number of reviews and rubric criteria are copied from the pinned module, so
    later edits to the course or the rubric never change what a running round is scored against.
    """

    circle = models.ForeignKey("cohorts.Circle", on_delete=models.CASCADE, related_name="review_activities")
    module = models.ForeignKey("courses.ModulePage", null=True, on_delete=models.SET_NULL, related_name="+")
    # The activity's StreamField block id, which Wagtail keeps across revisions.
    activity_id = models.CharField(max_length=64)
    title = models.CharField(max_length=255)
    submission_type = models.CharField(max_length=10)
    reviews_per_submission = models.PositiveSmallIntegerField(validators=[MaxValueValidator(10)])
    rubric = models.ForeignKey("courses.Rubric", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Rubric.criteria_list() of the rubric as it was when the circle pinned its course version.
    criteria = models.JSONField(default=list, blank=True)

    allocation_mode = models.CharField(
        "how reviews are handed out", max_length=10, choices=AllocationMode.choices, default=AllocationMode.DEADLINE
    )
    due_at = models.DateTimeField("deadline for submissions", help_text="UTC.")
    review_days = models.PositiveSmallIntegerField(
        "days reviewers have for reviews handed out to them",
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    stuck_after_days = models.PositiveSmallIntegerField(
        "alert facilitators when work still lacks reviews this many days after the deadline",
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    release_after_days = models.PositiveSmallIntegerField(
        "facilitators may release such work with fewer reviews this many days after the alert",
        default=7,
        validators=[MinValueValidator(0), MaxValueValidator(90)],
    )
    allocated_at = models.DateTimeField(null=True, blank=True)
    # What the deadline allocation could not guarantee, in plain language, for the facilitators.
    allocation_problems = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = CircleActivityQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "circle activities"
        ordering = ["circle", "due_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["circle", "module", "activity_id"], name="cohorts_circle_activity_once"),
        ]

    def __str__(self) -> str:
        return f"{self.title} in {self.circle}"

    def get_absolute_url(self) -> str:
        return reverse(
            "cohorts:review:activity",
            kwargs={"circle_id": self.circle_id, "module_id": self.module_id, "activity_id": self.activity_id},
        )

    @property
    def has_peer_review(self) -> bool:
        return self.reviews_per_submission > 0

    @property
    def is_rolling(self) -> bool:
        return self.allocation_mode == AllocationMode.ROLLING

    @property
    def is_allocated(self) -> bool:
        return self.allocated_at is not None

    def stuck_at(self, submitted_at: dt.datetime) -> dt.datetime:
        """When work submitted at ``submitted_at`` counts as stuck if it still lacks reviews."""
        return max(self.due_at, submitted_at) + dt.timedelta(days=self.stuck_after_days)

    def releasable_at(self, submitted_at: dt.datetime) -> dt.datetime:
        return self.stuck_at(submitted_at) + dt.timedelta(days=self.release_after_days)


class SubmissionState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"


class SubmissionQuerySet(models.QuerySet):
    def submitted(self):
        return self.filter(state=SubmissionState.SUBMITTED)

    def by_author(self, user):
        return self.filter(authors__user=user)

    def with_review_load(self, *, now: dt.datetime):
        """Annotate ``review_load``: reviews done plus reviews under way (leases not yet expired)."""
        load = (
            ReviewAssignment.objects.filter(submission=OuterRef("pk"))
            .counting_towards_load(now=now)
            .order_by()
            .annotate(count=_COUNT_ALL)
            .values("count")
        )
        return self.annotate(review_load=Subquery(load, output_field=models.IntegerField()))

    def with_reviews_done(self):
        """Annotate ``reviews_done``: completed reviews that still count (none hidden by a facilitator)."""
        done = (
            ReviewAssignment.objects.filter(submission=OuterRef("pk"), state=AssignmentState.COMPLETED)
            .order_by()
            .values("submission")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return self.annotate(reviews_done=Coalesce(Subquery(done, output_field=models.IntegerField()), 0))

    def rolling_candidates(self, *, activity, reviewer, now: dt.datetime):
        """Work ``reviewer`` may take next in rolling review, the one to offer first at the front.

        The SQL twin of ``cohorts.review.allocation.rolling_order``: never their own work nor work
        they reviewed or hold a lease on; fewest reviews done or under way first, then the one
        waiting longest, then the lowest id. Work released with fewer reviews is closed.
        """
        # Both exclusions are the reviewer's own few rows, so they run once rather than per submission.
        own = SubmissionAuthor.objects.filter(activity=activity, user=reviewer).values("submission_id")
        taken = (
            ReviewAssignment.objects.filter(activity=activity, reviewer=reviewer)
            .exclude(state=AssignmentState.EXPIRED)
            .values("submission_id")
        )
        return (
            self.filter(activity=activity, released_at__isnull=True)
            .submitted()
            .exclude(pk__in=own)
            .exclude(pk__in=taken)
            .with_review_load(now=now)
            .order_by("review_load", "submitted_at", "pk")
        )


#: COUNT(*) in a correlated subquery: one number per outer row, without the GROUP BY that
#: ``annotate(Count(...))`` would add.
_COUNT_ALL = Func(Value(1), function="COUNT", output_field=models.IntegerField())


class Submission(models.Model):
    """One piece of work for one activity, by one person or a group of co-authors, in versions."""

    activity = models.ForeignKey(CircleActivity, on_delete=models.CASCADE, related_name="submissions")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    state = models.CharField(max_length=10, choices=SubmissionState.choices, default=SubmissionState.DRAFT)
    # First submitted: the place in the rolling queue and whether the work was on time.
    submitted_at = models.DateTimeField(null=True, blank=True)
    stuck_alerted_at = models.DateTimeField(null=True, blank=True)
    released_at = models.DateTimeField(
        null=True, blank=True, help_text="Released by a facilitator with fewer reviews than the activity asks for."
    )
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["activity", "submitted_at", "pk"]
        indexes = [models.Index(fields=["activity", "state", "submitted_at"], name="cohorts_submission_queue")]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="draft") | Q(submitted_at__isnull=False), name="cohorts_submission_submitted_at"
            )
        ]

    def __str__(self) -> str:
        return f"Submission {self.pk} for {self.activity.title}"

    def get_absolute_url(self) -> str:
        return reverse(
            "cohorts:review:submission", kwargs={"circle_id": self.activity.circle_id, "submission_id": self.pk}
        )

    @property
    def is_submitted(self) -> bool:
        return self.state == SubmissionState.SUBMITTED

    @property
    def is_released(self) -> bool:
        return self.released_at is not None

    def is_late(self) -> bool:
        return self.submitted_at is not None and self.submitted_at > self.activity.due_at


class SubmissionAuthor(models.Model):
    """A person who wrote a submission. One submission per person per activity, co-authored or not."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="authors")
    # Repeated from the submission so the database itself keeps one submission per person and activity.
    activity = models.ForeignKey(CircleActivity, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["submission", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "user"], name="cohorts_one_submission_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.user} on submission {self.submission_id}"


@deconstructible
class PrivateSubmissionStorage(FileSystemStorage):
    """Files people hand in are private: kept beside MEDIA_ROOT (which DEBUG serves to anyone), never
    inside it, and read only through the permission-checked download view.

    The location follows ``settings.MEDIA_ROOT`` at each use, so tests that move it move this too.
    """

    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return os.path.join(os.path.dirname(os.path.abspath(settings.MEDIA_ROOT)), "submissions")

    @property
    def location(self):
        return self.base_location


def submission_file_path(version: "SubmissionVersion", filename: str) -> str:
    # A random folder per upload keeps the original file name without clashes or guessable paths.
    return f"{version.submission.activity.circle_id}/{secrets.token_urlsafe(12)}/{filename}"


class SubmissionVersion(models.Model):
    """What a submission says at one point. The newest without ``submitted_at`` is the draft being
    written; a revision after feedback is a new version, so reviewers can see what changed."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    text = models.TextField(blank=True, max_length=20_000)
    link = models.URLField(blank=True, max_length=500)
    file = models.FileField(upload_to=submission_file_path, storage=PrivateSubmissionStorage(), blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    file_size = models.PositiveIntegerField(null=True, blank=True)
    change_note = models.TextField(
        "what you changed", blank=True, max_length=2000, help_text="Shown to reviewers of this version."
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["submission", "number"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "number"], name="cohorts_submission_version_number"),
            models.UniqueConstraint(
                fields=["submission"], condition=Q(submitted_at__isnull=True), name="cohorts_submission_one_draft"
            ),
        ]

    def __str__(self) -> str:
        return f"Version {self.number} of submission {self.submission_id}"

    @property
    def is_draft(self) -> bool:
        return self.submitted_at is None

    def get_file_url(self) -> str:
        return reverse(
            "cohorts:review:file",
            kwargs={
                "circle_id": self.submission.activity.circle_id,
                "submission_id": self.submission_id,
                "number": self.number,
            },
        )


class AssignmentSource(models.TextChoices):
    DEADLINE = "deadline", "Handed out at the deadline"
    LATE = "late", "Handed out for late work"
    ROLLING = "rolling", "Asked for (rolling review)"
    FACILITATOR = "facilitator", "Taken by a facilitator"
    REPLACEMENT = "replacement", "Asked for in place of a hidden review"


class AssignmentState(models.TextChoices):
    OPEN = "open", "To do"
    COMPLETED = "completed", "Done"
    EXPIRED = "expired", "Lease ran out"
    # The review was hidden by a facilitator: it no longer counts, and its reviewer is not asked again.
    DISCARDED = "discarded", "Hidden by a facilitator"


class ReviewAssignmentQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state=AssignmentState.OPEN)

    def holding(self):
        """Assignments that keep their reviewer on the work (anything but a lease that ran out)."""
        return self.exclude(state=AssignmentState.EXPIRED)

    def counting_towards_load(self, *, now: dt.datetime):
        """Reviews done, and reviews under way: open assignments, unless a rolling lease has run out."""
        under_way = Q(state=AssignmentState.OPEN) & (~Q(source=AssignmentSource.ROLLING) | Q(due_at__gt=now))
        return self.filter(under_way | Q(state=AssignmentState.COMPLETED))

    def to_do_for(self, user):
        """This person's open reviews in running (or open) circles they are an active member of, soonest due first."""
        return (
            self.open()
            .filter(
                reviewer=user,
                activity__circle__state__in=[CircleState.OPEN, CircleState.RUNNING],
                activity__circle__memberships__user=user,
                activity__circle__memberships__status=MembershipStatus.ACTIVE,
            )
            .order_by("due_at", "pk")
        )


class ReviewAssignment(models.Model):
    """Someone is to review a submission. A rolling-review assignment is a lease that runs out."""

    activity = models.ForeignKey(CircleActivity, on_delete=models.CASCADE, related_name="assignments")
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="assignments")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_assignments")
    source = models.CharField(max_length=12, choices=AssignmentSource.choices)
    state = models.CharField(max_length=10, choices=AssignmentState.choices, default=AssignmentState.OPEN)
    # Facilitators' reviews anchor the corrected scores (trusted as unbiased).
    is_anchor = models.BooleanField(default=False)
    assigned_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(help_text="For rolling review, when the lease runs out.")
    completed_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True, help_text="When the lease ran out or the review was hidden.")

    objects = ReviewAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "pk"]
        constraints = [
            # Nobody reviews the same work twice (a lease that ran out may be taken up again).
            models.UniqueConstraint(
                fields=["submission", "reviewer"],
                condition=~Q(state="expired"),
                name="cohorts_review_assignment_once",
            ),
        ]
        indexes = [
            # Covers the rolling queue's per-submission count (done plus live leases) without table reads.
            models.Index(fields=["submission", "state", "source", "due_at"], name="cohorts_assignment_load"),
            models.Index(fields=["reviewer", "state"], name="cohorts_assignment_reviewer"),
            models.Index(fields=["state", "due_at"], name="cohorts_assignment_due"),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} reviews submission {self.submission_id} ({self.get_state_display()})"

    def get_absolute_url(self) -> str:
        return reverse("cohorts:review:review", kwargs={"circle_id": self.activity.circle_id, "assignment_id": self.pk})

    @property
    def is_open(self) -> bool:
        return self.state == AssignmentState.OPEN

    @property
    def is_lease(self) -> bool:
        return self.source == AssignmentSource.ROLLING


class ReviewQuerySet(models.QuerySet):
    def submitted(self):
        return self.filter(submitted_at__isnull=False)

    def counted(self):
        """Submitted reviews that count towards scores: none that a facilitator hid."""
        return self.submitted().filter(hidden_at__isnull=True)


class Review(models.Model):
    """A reviewer's rubric scores and comments on a submission (a draft until submitted)."""

    HELPFULNESS_CHOICES = [
        (5, "Very helpful"),
        (4, "Helpful"),
        (3, "Somewhat helpful"),
        (2, "Not very helpful"),
        (1, "Not helpful"),
    ]

    assignment = models.OneToOneField(ReviewAssignment, on_delete=models.CASCADE, related_name="review")
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="reviews")
    version = models.ForeignKey(SubmissionVersion, on_delete=models.PROTECT, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews_given")
    is_anchor = models.BooleanField(default=False)
    overall_comment = models.TextField(blank=True, max_length=5000)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The author's rating of how helpful the review was (any co-author may set it; the last one counts).
    helpfulness = models.PositiveSmallIntegerField(null=True, blank=True, choices=HELPFULNESS_CHOICES)
    helpfulness_rated_at = models.DateTimeField(null=True, blank=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["submission", "submitted_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(helpfulness__isnull=True) | Q(helpfulness__gte=1, helpfulness__lte=5),
                name="cohorts_review_helpfulness_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"Review {self.pk} of submission {self.submission_id}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @cached_property
    def scores_by_criterion(self) -> dict[str, "CriterionScore"]:
        return {score.criterion_id: score for score in self.scores.all()}


class CriterionScore(models.Model):
    """The level a reviewer chose for one rubric criterion, with a comment on it."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion_id = models.CharField(max_length=64)
    # The chosen level's score; empty while a draft leaves the criterion open.
    score = models.SmallIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["review", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion_id"], name="cohorts_criterion_score_once"),
        ]

    def __str__(self) -> str:
        return f"{self.score} on {self.criterion_id}"


class FlagReason(models.TextChoices):
    HURTFUL = "hurtful", "Rude, hurtful or personal"
    NOT_ABOUT_MY_WORK = "not_about_my_work", "Not about my work, or no real feedback"
    UNFAIR = "unfair", "Scores that do not match the rubric or the comments"
    OTHER = "other", "Something else"


class ReviewFlagQuerySet(models.QuerySet):
    def unresolved(self):
        return self.filter(resolved_at__isnull=True)


class ReviewFlag(models.Model):
    """An author's report that a review is inappropriate, and how a facilitator dealt with it."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="flags")
    activity = models.ForeignKey(CircleActivity, on_delete=models.CASCADE, related_name="flags")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=20, choices=FlagReason.choices)
    explanation = models.TextField(max_length=2000)
    raised_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_hidden = models.BooleanField(default=False)
    another_requested = models.BooleanField(default=False)
    note = models.TextField("note", blank=True, max_length=2000)

    objects = ReviewFlagQuerySet.as_manager()

    class Meta:
        ordering = ["raised_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["review", "raised_by"], name="cohorts_review_flag_once"),
        ]

    def __str__(self) -> str:
        return f"Flag on review {self.review_id}: {self.get_reason_display()}"

    @property
    def is_resolved(self) -> bool:
        return self.resolved_at is not None
