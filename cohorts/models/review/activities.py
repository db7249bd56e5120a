"""An activity as a circle runs it: its review settings and deadlines."""

import datetime as dt

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..choices import CircleState


class AllocationMode(models.TextChoices):
    DEADLINE = (
        "deadline",
        _("At the deadline: everyone who submitted on time gives and gets the same number of reviews"),
    )
    ROLLING = "rolling", _("Rolling: whoever has submitted presses “Review” for the next piece of work waiting")


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
        _("how reviews are handed out"), max_length=10, choices=AllocationMode.choices, default=AllocationMode.DEADLINE
    )
    due_at = models.DateTimeField(_("deadline for submissions"), help_text=_("UTC."))
    review_days = models.PositiveSmallIntegerField(
        _("days reviewers have for reviews handed out to them"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    stuck_after_days = models.PositiveSmallIntegerField(
        _("alert facilitators when work still lacks reviews this many days after the deadline"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    release_after_days = models.PositiveSmallIntegerField(
        _("facilitators may release such work with fewer reviews this many days after the alert"),
        default=7,
        validators=[MinValueValidator(0), MaxValueValidator(90)],
    )
    self_assessment = models.BooleanField(
        _("learners score their own work before reading their reviews"),
        default=False,
        help_text=_("Afterwards they see their own scores beside their reviewers'."),
    )
    calibration = models.BooleanField(
        _("learners practise on examples before reviewing"),
        default=False,
        help_text=_(
            "They score your two or three examples and see how close they came to your scores "
            "before they can start their reviews."
        ),
    )
    allocated_at = models.DateTimeField(null=True, blank=True)
    # What the deadline allocation could not guarantee, in plain language, for the facilitators.
    allocation_problems = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = CircleActivityQuerySet.as_manager()

    class Meta:
        verbose_name_plural = _("circle activities")
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
