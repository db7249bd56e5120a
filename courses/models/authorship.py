"""Who made a course: credits (with consent) and invitations to co-author.

Credits are a plain foreign key to the course, not a ParentalKey: consent (``accepted_at``,
``accepted_licence``) is given outside the page editor, and publishing an older page revision
must never roll it back, as restoring a revision's child objects would.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..licensing import LICENCE_CHOICES


class CreditRole(models.TextChoices):
    AUTHOR = "author", pgettext_lazy("credit role", "Author")
    MAINTAINER = "maintainer", pgettext_lazy("credit role", "Maintainer")
    EDITOR = "editor", pgettext_lazy("credit role", "Editor")
    TRANSLATOR = "translator", pgettext_lazy("credit role", "Translator")
    ILLUSTRATOR = "illustrator", pgettext_lazy("credit role", "Illustrator")


def _role_in_sentence(role: str) -> str:
    return str(CreditRole(role).label).lower()


#: A role's name inside a sentence ("… as author"), read in the language of the sentence around it (a
#: notification is written out in its recipient's).
role_in_sentence = lazy(_role_in_sentence, str)


class CourseCreditQuerySet(models.QuerySet):
    def accepted(self):
        """Credits whose person has accepted the credit and the course's current licence."""
        return self.filter(accepted_at__isnull=False, accepted_licence=F("course__licence"))

    def public(self):
        """What the public pages show: accepted credits a review has let through, in the maintainers'
        chosen order."""
        return self.accepted().filter(awaiting_review=False).order_by("sort_order", "pk")

    def pending(self):
        """Credits still waiting for consent to the course's current licence (these block publishing)."""
        return self.exclude(pk__in=self.accepted().values("pk"))


class CourseCredit(models.Model):
    course = models.ForeignKey("courses.CoursePage", on_delete=models.CASCADE, related_name="credits")
    # PROTECT: a credit is attribution the licence requires; an account with credits is turned
    # into an external name before it can be deleted.
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="course_credits"
    )
    external_name = models.CharField(
        max_length=200, blank=True, help_text=_("For someone without an account on this site.")
    )
    external_url = models.URLField(blank=True, help_text=_("Their web page, if they have one."))
    role = models.CharField(max_length=20, choices=CreditRole.choices, default=CreditRole.AUTHOR)
    sort_order = models.PositiveIntegerField(default=0)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_licence = models.CharField(
        max_length=20,
        choices=LICENCE_CHOICES,
        blank=True,
        help_text=_("The licence the person agreed to; a different course licence asks them again."),
    )
    # Agreement to the licence an unpublished version of the course moves to. It becomes
    # accepted_licence when that version is published, so until then the live course keeps
    # crediting everyone under the licence it is published with.
    accepted_next_licence = models.CharField(max_length=20, choices=LICENCE_CHOICES, blank=True)
    opted_out_of_derivatives = models.BooleanField(
        default=False,
        help_text=_("Leave my name out of the credits of remixes of this course (CC BY 4.0 §3(a)(3))."),
    )
    # A credit for someone without an account is the maintainers' word alone: it goes public only
    # with the course's next publish, which for a course's authors goes through review.
    awaiting_review = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CourseCreditQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | ~Q(external_name=""),
                name="courses_credit_person_or_external_name",
            ),
            models.UniqueConstraint(
                fields=["course", "person", "role"],
                condition=Q(person__isnull=False),
                name="courses_credit_unique_person_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"

    @property
    def name(self) -> str:
        return self.person.get_display_name() if self.person_id else self.external_name

    @property
    def url(self) -> str:
        return self.person.get_absolute_url() if self.person_id else self.external_url

    @property
    def is_accepted(self) -> bool:
        return self.accepted_at is not None and self.accepted_licence == self.course.licence


class InvitationStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("invitation status", "Pending")
    ACCEPTED = "accepted", pgettext_lazy("invitation status", "Accepted")
    DECLINED = "declined", pgettext_lazy("invitation status", "Declined")
    REVOKED = "revoked", pgettext_lazy("invitation status", "Revoked")


class CourseInvitation(models.Model):
    """An invitation by e-mail to co-author a course; accepting it creates a credit."""

    course = models.ForeignKey("courses.CoursePage", on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    role = models.CharField(max_length=20, choices=CreditRole.choices, default=CreditRole.AUTHOR)
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "email"],
                condition=Q(status="pending"),
                name="courses_invitation_one_pending_per_email",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} to {self.course} ({self.get_status_display()})"
