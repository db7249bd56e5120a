"""Inline comments: a reviewer's comment on a passage of a text submission, and the replies under it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .reviews import Flag, Review
from .submissions import SubmissionVersion


class InlineCommentQuerySet(models.QuerySet):
    def threads(self):
        """Comments that start a thread (on a passage), not replies."""
        return self.filter(parent__isnull=True)

    def shown(self):
        return self.filter(hidden_at__isnull=True)


class InlineComment(models.Model):
    """A comment on a passage of one version's text, or (with ``parent``) a reply in its thread.

    A thread belongs to one review: its reviewer starts it, the work's authors, the reviewer and the
    circle's facilitators reply. The passage is stored as offsets into the version's text as typed
    (Markdown) with the words quoted, so it stays where it was whatever the page renders.
    """

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="inline_comments")
    version = models.ForeignKey(SubmissionVersion, on_delete=models.PROTECT, related_name="inline_comments")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    quote = models.TextField(blank=True, max_length=2000)
    start = models.PositiveIntegerField(null=True, blank=True)
    end = models.PositiveIntegerField(null=True, blank=True)
    body = models.TextField(max_length=4000)
    created_at = models.DateTimeField(default=timezone.now)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = InlineCommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["review", "parent"], name="cohorts_inline_thread")]
        constraints = [
            # A thread's first comment holds a passage; a reply holds none.
            models.CheckConstraint(
                condition=(Q(parent__isnull=True) & Q(start__isnull=False) & Q(end__gt=models.F("start")))
                | (Q(parent__isnull=False) & Q(start__isnull=True) & Q(end__isnull=True)),
                name="cohorts_inline_comment_passage",
            ),
        ]

    def __str__(self) -> str:
        return f"Inline comment {self.pk} on review {self.review_id}"

    @property
    def is_thread(self) -> bool:
        return self.parent_id is None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def anchor(self) -> str:
        return f"thread-{self.parent_id or self.pk}"


class InlineCommentFlag(Flag):
    """Someone in a thread reports a comment or reply as inappropriate; a facilitator deals with it."""

    comment = models.ForeignKey(InlineComment, on_delete=models.CASCADE, related_name="flags")
    comment_hidden = models.BooleanField(default=False)

    class Meta(Flag.Meta):
        constraints = [
            models.UniqueConstraint(fields=["comment", "raised_by"], name="cohorts_inline_flag_once"),
        ]

    def __str__(self) -> str:
        return f"Flag on inline comment {self.comment_id}"
