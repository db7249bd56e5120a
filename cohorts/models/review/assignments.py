"""Review assignments: who is to review which work, and rolling-review leases that run out."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..choices import CircleState, MembershipStatus
from .activities import CircleActivity


class AssignmentSource(models.TextChoices):
    DEADLINE = "deadline", _("Handed out at the deadline")
    LATE = "late", _("Handed out for late work")
    ROLLING = "rolling", _("Asked for (rolling review)")
    FACILITATOR = "facilitator", _("Taken by a facilitator")
    REPLACEMENT = "replacement", _("Asked for in place of a hidden review")
    APPEAL = "appeal", _("Asked for by an appeal against a score")


class AssignmentState(models.TextChoices):
    OPEN = "open", _("To do")
    COMPLETED = "completed", _("Done")
    EXPIRED = "expired", _("Lease ran out")
    # The review was hidden by a facilitator: it no longer counts, and its reviewer is not asked again.
    DISCARDED = "discarded", _("Hidden by a facilitator")


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
    submission = models.ForeignKey("cohorts.Submission", on_delete=models.CASCADE, related_name="assignments")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_assignments")
    source = models.CharField(max_length=12, choices=AssignmentSource.choices)
    state = models.CharField(max_length=10, choices=AssignmentState.choices, default=AssignmentState.OPEN)
    # Facilitators' reviews anchor the corrected scores (trusted as unbiased).
    is_anchor = models.BooleanField(default=False)
    assigned_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(help_text=_("For rolling review, when the lease runs out."))
    completed_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the lease ran out or the review was hidden.")
    )

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
