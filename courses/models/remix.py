"""Derivations: which earlier work a course or module is built on, and how.

A derivation links a target page (a course, or one of its modules) to one source: a published
revision of another page on this site, or an external work by URL. Its ``snapshot`` freezes
what attribution needs (TASL: title, author credits, source URL, licence, plus the source's own
change note and its own sources' snapshots), so the attribution chain survives the source
changing or being deleted. The foreign keys to the source are kept only for navigation and
comparison, and fall back to null when the source goes.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..licensing import LICENCE_CHOICES, SourceKind


class DerivationKind(models.TextChoices):
    ADAPTATION = SourceKind.ADAPTATION.value, _("Adaptation")
    VERBATIM = SourceKind.VERBATIM.value, _("Included verbatim")


class DerivationQuerySet(models.QuerySet):
    def adaptations(self):
        return self.filter(kind=DerivationKind.ADAPTATION)

    def verbatim(self):
        return self.filter(kind=DerivationKind.VERBATIM)

    def of_course(self, course):
        """Every derivation of the course and of its modules: what its licence must respect."""
        return self.filter(target_course=course)

    def public(self):
        """What the public attribution may name: the sources a review has let through."""
        return self.filter(awaiting_review=False)


class Derivation(models.Model):
    # The work that draws on the source: a course or a module, and the course it belongs to (the
    # course itself for a course), so one query finds everything a course is built on.
    target_page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="derivations")
    target_course = models.ForeignKey("courses.CoursePage", on_delete=models.CASCADE, related_name="source_links")
    # Set on the module links a whole-course remix makes, pointing at the course link: their
    # attribution is already given by the course's, and the remix family counts the remix once.
    part_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="module_links")

    # An internal source: the page, its course, and the published revision that was copied.
    # SET_NULL: the snapshot keeps the attribution when the source is deleted.
    source_page = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source_course = models.ForeignKey(
        "courses.CoursePage", null=True, blank=True, on_delete=models.SET_NULL, related_name="derivative_links"
    )
    source_revision = models.ForeignKey(
        "wagtailcore.Revision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The source's published revision whose content the target last took over: the copy at first,
    # later an upstream version taken over explicitly. "Compare with source" and "upstream changes"
    # are measured from it.
    taken_revision = models.ForeignKey(
        "wagtailcore.Revision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    taken_at = models.DateTimeField(null=True, blank=True)
    # A work elsewhere on the web, added by URL with its title, author and licence.
    external = models.BooleanField(default=False)
    # Always set, for internal sources too (their public URL when linked), so that a link to the
    # source outlives it.
    source_url = models.URLField(max_length=500)

    kind = models.CharField(max_length=20, choices=DerivationKind.choices, default=DerivationKind.ADAPTATION)
    licence = models.CharField(max_length=20, choices=LICENCE_CHOICES)
    #: A courses.licensing.AttributionSnapshot of the source, without ``changes`` (kept below).
    snapshot = models.JSONField()
    changes = models.TextField(
        blank=True,
        help_text=_("How this work changed the source, e.g. “shortened to three modules, examples for libraries”."),
    )

    # An external source, or a new description of the changes, goes public only with the page's next
    # publish, which for a course's authors goes through review: until then the public attribution
    # leaves the source out and keeps the published ``changes``.
    awaiting_review = models.BooleanField(default=False)
    pending_changes = models.TextField(blank=True)
    #: When ``pending_changes`` were written; null when there are none.
    changes_pending_since = models.DateTimeField(null=True, blank=True)

    # Rubrics of another course that the target's activities use, copied for the target's course
    # ({source rubric id: copy id}), so taking upstream changes reuses the copies.
    rubric_copies = models.JSONField(default=dict, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DerivationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(source_url=""), name="courses_derivation_has_source_url"),
            models.CheckConstraint(condition=Q(kind__in=DerivationKind.values), name="courses_derivation_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of “{self.title}”"

    @property
    def title(self) -> str:
        return self.snapshot.get("title", "")

    @property
    def is_verbatim(self) -> bool:
        return self.kind == DerivationKind.VERBATIM

    @property
    def draft_changes(self) -> str:
        """The description of the changes as the authors last wrote it, published or not."""
        return self.pending_changes if self.changes_pending_since is not None else self.changes

    def attribution(self) -> dict:
        """The snapshot with this work's description of its changes, as courses.licensing expects."""
        return {**self.snapshot, "kind": self.kind, "changes": self.changes or None}
