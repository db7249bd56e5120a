"""Who belongs to a circle, in which role, and where they stand (member, waiting, asked, invited, gone)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import MembershipStatus, Role
from .meetings import Meeting


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=MembershipStatus.ACTIVE)

    def facilitators(self):
        return self.active().filter(role=Role.FACILITATOR)

    def learners(self):
        return self.active().filter(role=Role.LEARNER)

    def people(self) -> list:
        """The members' accounts, in one query: ``circle.memberships.facilitators().people()``."""
        return [membership.user for membership in self.select_related("user")]

    def waitlist(self):
        """People waiting for a seat, first come first served."""
        return self.filter(status=MembershipStatus.WAITLISTED).order_by("waitlisted_at", "pk")

    def pending(self):
        return self.filter(status=MembershipStatus.PENDING).order_by("requested_at", "pk")

    def invited(self):
        return self.filter(status=MembershipStatus.INVITED)

    def with_next_meeting(self, *, now=None):
        """Annotate ``next_meeting_at``: when the circle next meets (None when no meeting is left)."""
        upcoming = Meeting.objects.filter(circle=OuterRef("circle_id")).upcoming(now=now).order_by("starts_at")
        return self.annotate(next_meeting_at=Subquery(upcoming.values("starts_at")[:1]))


class Membership(models.Model):
    """One person's place in one circle. A single row per person and circle: rejoining reuses it."""

    circle = models.ForeignKey("cohorts.Circle", on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="circle_memberships")
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.LEARNER)
    status = models.CharField(max_length=12, choices=MembershipStatus.choices)
    request_message = models.TextField(
        max_length=1000, blank=True, help_text=_("What the person wrote when asking to join.")
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    goal = models.TextField(
        _("your goal"), max_length=1000, blank=True, help_text=_("What would you like to be able to do by the end?")
    )
    goal_confidence = models.PositiveSmallIntegerField(
        _("how confident do you feel about it?"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("1: not at all, 5: very."),
    )
    requested_at = models.DateTimeField(default=timezone.now, help_text=_("When the person first asked or was asked."))
    joined_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the person last became an active member.")
    )
    waitlisted_at = models.DateTimeField(null=True, blank=True, help_text=_("Their place in the waitlist queue."))
    status_changed_at = models.DateTimeField(default=timezone.now)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["circle", "role", "joined_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["circle", "user"], name="cohorts_membership_once_per_circle"),
            models.CheckConstraint(
                condition=~Q(status="waitlisted") | Q(waitlisted_at__isnull=False),
                name="cohorts_membership_waitlist_has_place",
            ),
        ]
        indexes = [models.Index(fields=["circle", "status"], name="cohorts_membership_status")]

    def __str__(self) -> str:
        return f"{self.user} in {self.circle} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status == MembershipStatus.ACTIVE

    @property
    def is_facilitator(self) -> bool:
        return self.is_active and self.role == Role.FACILITATOR

    @property
    def takes_seat(self) -> bool:
        """Only active learners take one of the circle's seats."""
        return self.is_active and self.role == Role.LEARNER
