"""Meetings expanded from a circle's schedule (stored in UTC), attendance, feedback, and calendar feeds."""

import datetime as dt
import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import MeetingStatus, MembershipStatus


class MeetingQuerySet(models.QuerySet):
    def scheduled(self):
        return self.filter(status=MeetingStatus.SCHEDULED)

    def upcoming(self, *, now=None):
        """Scheduled meetings that have not started yet (one starting right now still counts as next)."""
        return self.scheduled().filter(starts_at__gte=now or timezone.now())

    def starting_between(self, start, end):
        """Scheduled meetings starting after ``start`` and no later than ``end``."""
        return self.scheduled().filter(starts_at__gt=start, starts_at__lte=end)

    def for_member(self, user):
        """Meetings of the circles this person is an active member of."""
        return self.filter(circle__memberships__user=user, circle__memberships__status=MembershipStatus.ACTIVE)


class Meeting(models.Model):
    circle = models.ForeignKey("cohorts.Circle", on_delete=models.CASCADE, related_name="meetings")
    number = models.PositiveSmallIntegerField(help_text=_("1 for the circle's first meeting, and so on."))
    starts_at = models.DateTimeField(help_text=_("UTC."))
    module = models.ForeignKey(
        "courses.ModulePage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The module this meeting covers; meeting i covers module i unless a facilitator chose another."),
    )
    status = models.CharField(max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED)
    originally_starts_at = models.DateTimeField(
        null=True, blank=True, help_text=_("Set when the meeting is first moved: the time members first planned for.")
    )
    change_note = models.CharField(max_length=255, blank=True, help_text=_("Why it was moved or cancelled."))
    # The iCalendar SEQUENCE: bumped on every change members should hear about, so calendar apps update.
    sequence = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["circle", "starts_at", "number"]
        constraints = [models.UniqueConstraint(fields=["circle", "number"], name="cohorts_meeting_number")]
        indexes = [models.Index(fields=["status", "starts_at"], name="cohorts_meeting_status_start")]

    def __str__(self) -> str:
        return f"{self.circle} · meeting {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("cohorts:meeting", kwargs={"circle_id": self.circle_id, "meeting_id": self.pk})

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.circle.duration_minutes)

    @property
    def is_cancelled(self) -> bool:
        return self.status == MeetingStatus.CANCELLED

    @property
    def was_moved(self) -> bool:
        return self.originally_starts_at is not None and self.originally_starts_at != self.starts_at


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    membership = models.ForeignKey("cohorts.Membership", on_delete=models.CASCADE, related_name="attendance")
    present = models.BooleanField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "attendance"
        constraints = [models.UniqueConstraint(fields=["meeting", "membership"], name="cohorts_attendance_once")]

    def __str__(self) -> str:
        return f"{self.membership.user} {'present' if self.present else 'absent'} at {self.meeting}"


class MeetingFeedback(models.Model):
    """What a member thought of a meeting: a rating from 1 to 5 and a short reflection."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="feedback")
    membership = models.ForeignKey("cohorts.Membership", on_delete=models.CASCADE, related_name="meeting_feedback")
    rating = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    reflection = models.TextField(max_length=2000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "meeting feedback"
        ordering = ["meeting", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "membership"], name="cohorts_feedback_once"),
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="cohorts_feedback_rating_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.rating}/5 for {self.meeting}"


class RsvpAnswer(models.TextChoices):
    GOING = "going", _("Going")
    NOT_GOING = "not_going", _("Not going")


class MeetingRsvp(models.Model):
    """A member's answer to "are you coming?" for one meeting (the latest answer counts)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="rsvps")
    membership = models.ForeignKey("cohorts.Membership", on_delete=models.CASCADE, related_name="rsvps")
    answer = models.CharField(max_length=10, choices=RsvpAnswer.choices)
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["meeting", "answered_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["meeting", "membership"], name="cohorts_rsvp_once")]

    def __str__(self) -> str:
        return f"{self.membership} for meeting {self.meeting_id}: {self.answer}"


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """The secret in one person's meeting calendar URL and meeting-change feed URLs; resetting it retires them all."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"

    def get_absolute_url(self) -> str:
        return reverse("my_learning:calendar", kwargs={"token": self.token})
