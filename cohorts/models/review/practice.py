"""Practice in judging work: learners' scores of their own work, and calibration on examples.

Scores are kept as ``{criterion id: level score}``, on the criteria the activity copied from
its rubric (``CircleActivity.criteria``), like a review's.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from .activities import CircleActivity
from .submissions import Submission

#: How many examples an activity with calibration has: fewer and learners review without it.
MIN_CALIBRATION_EXAMPLES = 2
MAX_CALIBRATION_EXAMPLES = 3


class SelfAssessment(models.Model):
    """An author's scores of their own submitted work (each co-author scores it on their own)."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="self_assessments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    scores = models.JSONField(default=dict)
    reflection = models.TextField(blank=True, max_length=2000)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["submission", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "author"], name="cohorts_self_assessment_once"),
        ]

    def __str__(self) -> str:
        return f"{self.author} on their submission {self.submission_id}"


class CalibrationExample(models.Model):
    """A piece of example work with a facilitator's reference scores and comments per criterion."""

    activity = models.ForeignKey(CircleActivity, on_delete=models.CASCADE, related_name="calibration_examples")
    title = models.CharField(max_length=120)
    text = models.TextField(max_length=20_000)
    reference_scores = models.JSONField(default=dict)
    reference_comments = models.JSONField(default=dict, blank=True)
    overall_comment = models.TextField(blank=True, max_length=5000)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["activity", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.title} (example for {self.activity})"


class CalibrationAttempt(models.Model):
    """A reviewer's scores of one calibration example: kept once given, so accuracy cannot be retaken."""

    example = models.ForeignKey(CalibrationExample, on_delete=models.CASCADE, related_name="attempts")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    scores = models.JSONField(default=dict)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["example", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["example", "reviewer"], name="cohorts_calibration_attempt_once"),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} on {self.example}"
