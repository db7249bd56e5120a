"""Courses that left the public catalog, so OAI-PMH harvesters learn to drop their records.

A row is written when a course is unpublished or deleted (Wagtail's ``page_unpublished`` and Django's
``post_delete``) and removed when the course is published again; it keeps the set memberships the
record had (licence and language), since ``ListIdentifiers`` with a set must still report the deletion.
"""

from django.db import models
from django.utils import timezone


class WithdrawnCourse(models.Model):
    # A plain id, not a foreign key: the page may be gone.
    page_id = models.PositiveIntegerField(unique=True)
    licence = models.CharField(max_length=20)
    language = models.CharField(max_length=10)
    withdrawn_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["withdrawn_at", "page_id"]

    def __str__(self) -> str:
        return f"Course {self.page_id}, withdrawn {self.withdrawn_at:%Y-%m-%d}"
