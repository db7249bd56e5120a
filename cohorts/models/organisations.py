"""Organisations (a library system, an NGO, a college) that run circles together, and who belongs to them."""

import datetime as dt

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from p2pu.core.fields import model_texts_clean

#: How long an e-mailed invitation to an organisation can be used.
INVITATION_LIFETIME = dt.timedelta(days=14)


class OrganisationRole(models.TextChoices):
    ORGANISER = "organiser", _("Organiser")
    FACILITATOR = "facilitator", _("Facilitator")


class OrganisationMembershipStatus(models.TextChoices):
    ACTIVE = "active", _("Member")
    REQUESTED = "requested", _("Asked to join")
    DECLINED = "declined", _("Declined")
    LEFT = "left", _("Left")
    REMOVED = "removed", _("Removed by an organiser")


class OrganisationQuerySet(models.QuerySet):
    def organised_by(self, user):
        """Organisations in which ``user`` is an active organiser."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            memberships__user=user,
            memberships__role=OrganisationRole.ORGANISER,
            memberships__status=OrganisationMembershipStatus.ACTIVE,
        )

    def with_member(self, user):
        """Organisations in which ``user`` is active, in either role (whose circles they may start)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user, memberships__status=OrganisationMembershipStatus.ACTIVE)


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("web address"), max_length=80, unique=True)
    about = models.TextField(_("about"), max_length=4000, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    website = models.URLField(_("website"), blank=True, validators=[URLValidator(schemes=["http", "https"])])
    logo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("logo"),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organisations:detail", kwargs={"slug": self.slug})

    def get_dashboard_url(self) -> str:
        return reverse("organisation_dashboard:dashboard", kwargs={"slug": self.slug})

    def clean(self):
        model_texts_clean(self, one_line_fields=("name", "city"), multi_line_fields=("about",))


class OrganisationMembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=OrganisationMembershipStatus.ACTIVE)

    def organisers(self):
        return self.active().filter(role=OrganisationRole.ORGANISER)

    def requests(self):
        return self.filter(status=OrganisationMembershipStatus.REQUESTED)


class OrganisationMembership(models.Model):
    """A person's place in an organisation: an organiser or a facilitator, or a request to join."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organisation_memberships"
    )
    role = models.CharField(_("role"), max_length=12, choices=OrganisationRole.choices)
    status = models.CharField(max_length=12, choices=OrganisationMembershipStatus.choices)
    request_message = models.TextField(_("message to the organisers"), max_length=2000, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    joined_at = models.DateTimeField(null=True, blank=True)
    status_changed_at = models.DateTimeField(default=timezone.now)

    objects = OrganisationMembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "requested_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="cohorts_org_membership_once"),
        ]
        indexes = [models.Index(fields=["organisation", "status", "role"], name="cohorts_org_membership_role")]

    def __str__(self) -> str:
        return f"{self.user} in {self.organisation} ({self.role}, {self.status})"

    @property
    def is_active(self) -> bool:
        return self.status == OrganisationMembershipStatus.ACTIVE

    @property
    def is_organiser(self) -> bool:
        return self.is_active and self.role == OrganisationRole.ORGANISER


class OrganisationInvitation(models.Model):
    """An e-mailed invitation. Its link is signed (django.core.signing, with the id), expires, and works once."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=12, choices=OrganisationRole.choices)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        constraints = [
            # One open invitation per address and organisation; a new one replaces (revokes) the old.
            models.UniqueConstraint(
                fields=["organisation", "email"],
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="cohorts_org_invitation_open_once",
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation of {self.email} to {self.organisation}"

    def is_usable(self, *, now=None) -> bool:
        now = now or timezone.now()
        return self.accepted_at is None and self.revoked_at is None and now < self.expires_at
