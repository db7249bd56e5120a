"""Built downloads of a course (EPUB, PDF, Common Cartridge), one file per format and course version.

A row is the cache: its ``version_key`` digests everything the file shows (the course and module
revisions, the credits and the attribution chain), so a new publication or a changed credit gives a
new key and a new build, while every request for an unchanged course gets the file already built.
Built by courses.exports.services through a Celery task, which reports progress on the row.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ExportFormat(models.TextChoices):
    EPUB = "epub", "EPUB"
    PDF = "pdf", "PDF"
    CARTRIDGE = "cc", "Common Cartridge"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("export status", "Queued")
    BUILDING = "building", pgettext_lazy("export status", "Building")
    READY = "ready", pgettext_lazy("export status", "Ready")
    FAILED = "failed", pgettext_lazy("export status", "Failed")


def export_file_path(export: "CourseExport", filename: str) -> str:
    return f"exports/{export.course_id}/{export.format}-{export.version_key[:16]}/{filename}"


class CourseExport(models.Model):
    course = models.ForeignKey("courses.CoursePage", on_delete=models.CASCADE, related_name="exports")
    format = models.CharField(max_length=10, choices=ExportFormat.choices)
    version_key = models.CharField(max_length=64, help_text=_("Digest of everything the file shows."))
    # The version exported: the course's revision and each module's, in outline order
    # ([[module page id, revision id], ...]); a revision id is null for a page published without one.
    course_revision = models.ForeignKey(
        "wagtailcore.Revision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    module_revisions = models.JSONField(default=list, blank=True)

    status = models.CharField(max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    parts_done = models.PositiveIntegerField(default=0)
    parts_total = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to=export_file_path, blank=True, max_length=300)
    error = models.TextField(blank=True)
    requested_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["course", "format", "version_key"], name="courses_export_one_per_version"),
        ]

    def __str__(self) -> str:
        return f"{self.get_format_display()} of course {self.course_id} ({self.get_status_display()})"

    @property
    def is_ready(self) -> bool:
        return self.status == ExportStatus.READY and bool(self.file)

    @property
    def percent_done(self) -> int:
        return round(100 * self.parts_done / self.parts_total) if self.parts_total else 0
