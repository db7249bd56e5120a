"""Final scores a facilitator sets, and learners' appeals against their scores."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .assignments import ReviewAssignment
from .submissions import Submission


class FinalScore(models.Model):
    """A facilitator's final score for a piece of work, per rubric criterion, with the reason shown to
    its authors. The newest one counts; earlier ones stay as the record of what changed."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="final_scores")
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    #: criterion id → the level's score.
    scores = models.JSONField(default=dict)
    reason = models.TextField(max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["submission", "-created_at", "-pk"]
        get_latest_by = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Final score for submission {self.submission_id}"


class AppealOutcome(models.TextChoices):
    UPHELD = "upheld", _("The score stands")
    CHANGED = "changed", _("The score was changed")


class ScoreAppealQuerySet(models.QuerySet):
    def open(self):
        return self.filter(resolved_at__isnull=True)


class ScoreAppeal(models.Model):
    """An author asks for their work's score to be looked at again: once per piece of work.

    It asks for one more review (a fresh peer through the usual allocation, else a facilitator) and
    ends with an outcome its authors see: the score stands, or a final score replaces it.
    """

    submission = models.OneToOneField(Submission, on_delete=models.CASCADE, related_name="appeal")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField(max_length=2000)
    raised_at = models.DateTimeField(default=timezone.now)
    #: The extra review it asked for, when a peer was free to write it.
    extra_assignment = models.ForeignKey(
        ReviewAssignment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(max_length=10, choices=AppealOutcome.choices, blank=True)
    outcome_note = models.TextField(blank=True, max_length=2000)
    final_score = models.ForeignKey(FinalScore, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScoreAppealQuerySet.as_manager()

    class Meta:
        ordering = ["resolved_at", "raised_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(resolved_at__isnull=True, outcome="")
                | models.Q(resolved_at__isnull=False, outcome__in=["upheld", "changed"]),
                name="cohorts_appeal_outcome_when_resolved",
            ),
        ]

    def __str__(self) -> str:
        return f"Appeal on submission {self.submission_id}"

    @property
    def is_resolved(self) -> bool:
        return self.resolved_at is not None
