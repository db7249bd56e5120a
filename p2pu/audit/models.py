"""Audit entries: written once by ``audit_record``, never changed or deleted through the ORM."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import actions


class AppendOnlyError(Exception):
    """Raised on any attempt to change or delete an audit entry."""


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit entries are never changed.")

    def delete(self):
        raise AppendOnlyError("Audit entries are never deleted.")

    def about(self, obj):
        """Entries whose scope is ``obj`` (a circle lists what happened in it and to its memberships)."""
        return self.filter(scope_type=ContentType.objects.get_for_model(obj), scope_id=obj.pk)

    def for_listing(self):
        return self.select_related("actor", "target", "subject_type", "scope_type")


class AuditEntry(models.Model):
    """One action on someone else's standing.

    ``subject`` is what was acted on (a membership, a review, a flag, a page, a credit); ``target``
    the person whose standing changed; ``scope`` where it happened (a circle, a course), so the
    place can list its own entries. When an account is deleted, its entries stay and the person
    becomes "a former member" (the foreign keys are set to null by the database collector, which
    goes through the base manager, not this append-only one).
    """

    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_entries_made",
    )
    action = models.CharField(_("what"), max_length=64, db_index=True)
    target = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("on whom"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_entries_about",
    )
    # Whether the action was on a person, so the entry still says "a former member" once their account is gone.
    about_person = models.BooleanField(default=False, editable=False)
    reason = models.TextField(_("why"), blank=True)
    subject_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    scope_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    scope_id = models.PositiveBigIntegerField(null=True, blank=True)
    scope = GenericForeignKey("scope_type", "scope_id")
    # What the scope (a circle, a course) was called at the time: the entry still reads after it is
    # deleted. Subjects get no label: a membership's or a review's name would keep a person's name.
    scope_label = models.CharField(_("where"), max_length=255, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        indexes = [
            models.Index(fields=["scope_type", "scope_id", "-created_at"], name="audit_scope_recent"),
            models.Index(fields=["subject_type", "subject_id"], name="audit_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.action_label} ({self.created_at:%Y-%m-%d %H:%M})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Audit entries are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit entries are never deleted.")

    @property
    def action_label(self) -> str:
        return actions.label_of(self.action)

    @property
    def actor_name(self) -> str:
        return self.actor.get_display_name() if self.actor else str(_("a former member"))

    @property
    def target_name(self) -> str:
        if not self.about_person:
            return ""
        return self.target.get_display_name() if self.target else str(_("a former member"))
