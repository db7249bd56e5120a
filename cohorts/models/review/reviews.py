"""Reviews with their rubric scores, and flags that authors raise on reviews."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from ..circles import ReviewAnonymity
from .activities import CircleActivity
from .assignments import ReviewAssignment
from .submissions import Submission, SubmissionVersion


class ReviewQuerySet(models.QuerySet):
    def submitted(self):
        return self.filter(submitted_at__isnull=False)

    def counted(self):
        """Submitted reviews that count towards scores: none that a facilitator hid."""
        return self.submitted().filter(hidden_at__isnull=True)


class Review(models.Model):
    """A reviewer's rubric scores and comments on a submission (a draft until submitted)."""

    HELPFULNESS_CHOICES = [
        (5, _("Very helpful")),
        (4, _("Helpful")),
        (3, _("Somewhat helpful")),
        (2, _("Not very helpful")),
        (1, _("Not helpful")),
    ]

    assignment = models.OneToOneField(ReviewAssignment, on_delete=models.CASCADE, related_name="review")
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="reviews")
    version = models.ForeignKey(SubmissionVersion, on_delete=models.PROTECT, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews_given")
    is_anchor = models.BooleanField(default=False)
    #: What the reviewer was promised when they began: the circle's anonymity then. Names follow the
    #: stricter of this and the circle's setting now, so a later change never unmasks a reviewer.
    anonymity = models.CharField(
        max_length=20, choices=ReviewAnonymity.choices, default=ReviewAnonymity.DOUBLE_BLIND, editable=False
    )
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
    HURTFUL = "hurtful", _("Rude, hurtful or personal")
    NOT_ABOUT_MY_WORK = "not_about_my_work", _("Not about my work, or no real feedback")
    UNFAIR = "unfair", _("Scores that do not match the rubric or the comments")
    OTHER = "other", _("Something else")


class FlagQuerySet(models.QuerySet):
    def unresolved(self):
        return self.filter(resolved_at__isnull=True)


class Flag(models.Model):
    """What every flag records: who raised it, why, and how a facilitator resolved it."""

    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=20, choices=FlagReason.choices)
    explanation = models.TextField(max_length=2000)
    raised_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True, max_length=2000)

    objects = FlagQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["raised_at", "pk"]

    @property
    def is_resolved(self) -> bool:
        return self.resolved_at is not None


class ReviewFlag(Flag):
    """An author's report that a review is inappropriate, and how a facilitator dealt with it."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="flags")
    activity = models.ForeignKey(CircleActivity, on_delete=models.CASCADE, related_name="flags")
    review_hidden = models.BooleanField(default=False)
    another_requested = models.BooleanField(default=False)

    class Meta(Flag.Meta):
        constraints = [
            models.UniqueConstraint(fields=["review", "raised_by"], name="cohorts_review_flag_once"),
        ]

    def __str__(self) -> str:
        return f"Flag on review {self.review_id}: {self.get_reason_display()}"
