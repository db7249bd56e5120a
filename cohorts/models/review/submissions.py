"""Submissions: work handed in for an activity, its co-authors, and its private, versioned files."""

import datetime as dt
import os
import secrets

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Count, Func, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from p2pu.core.object_storage import private_storage

from .activities import CircleActivity
from .assignments import AssignmentState, ReviewAssignment


class SubmissionState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("submission state", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("submission state", "Submitted")


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
        null=True, blank=True, help_text=_("Released by a facilitator with fewer reviews than the activity asks for.")
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


def submission_storage():
    """Object storage's private area when configured (production with S3_BUCKET), else the local disk."""
    return private_storage(folder="submissions", local=PrivateSubmissionStorage)


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
    file = models.FileField(upload_to=submission_file_path, storage=submission_storage, blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    file_size = models.PositiveIntegerField(null=True, blank=True)
    change_note = models.TextField(
        _("what you changed"), blank=True, max_length=2000, help_text=_("Shown to reviewers of this version.")
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
