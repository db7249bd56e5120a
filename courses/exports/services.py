"""Writes for exports: ask for a course version's file (queued once, built once) and build it.

A request finds or creates the export row for the version's key and queues the build only when the
row is new or its last build failed, so any number of readers waiting for one course share one build.
The build runs in a Celery task (courses.exports.tasks), which reports progress on the row as it goes.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from p2pu.core.jobs import enqueue_after_commit

from ..models import CourseExport, ExportFormat, ExportStatus
from . import formats
from .editions import Edition, EditionNotFound, stored_edition

logger = logging.getLogger(__name__)

BUILD_TASK = "courses.exports.tasks.build_export"
#: A failed build is tried again on a visit this long after it failed (not at once: the progress page
#: reloads every few seconds, and a build that fails would otherwise be retried in a loop).
RETRY_AFTER = dt.timedelta(minutes=10)
#: A build queued or started this long ago without finishing is taken for lost (a worker that died).
LOST_AFTER = dt.timedelta(minutes=30)
#: Built files kept per course and format: the newest few (the live version and recently pinned ones);
#: an older version asked for again is simply built again.
KEEP_PER_FORMAT = 3


def export_request(*, edition: Edition, format: str) -> CourseExport:
    """The export of this version in this format; queues its build unless it is built or under way."""
    key = edition.version_key
    fields = {
        "course_revision_id": edition.course_revision_id,
        "module_revisions": [list(pair) for pair in edition.module_revision_ids],
        "parts_total": len(edition.modules) + 2,
    }
    try:
        with transaction.atomic():
            export, created = CourseExport.objects.get_or_create(
                course_id=edition.course.pk, format=format, version_key=key, defaults=fields
            )
    except IntegrityError:
        # Another request created it between our read and our insert: it has queued the build.
        return CourseExport.objects.get(course_id=edition.course.pk, format=format, version_key=key)
    if created:
        enqueue_after_commit(BUILD_TASK, export.pk)
        return export
    now = timezone.now()
    failed_long_ago = Q(status=ExportStatus.FAILED, finished_at__lte=now - RETRY_AFTER)
    lost = Q(status__in=[ExportStatus.QUEUED, ExportStatus.BUILDING], requested_at__lte=now - LOST_AFTER)
    retry = CourseExport.objects.filter(failed_long_ago | lost, pk=export.pk).update(
        status=ExportStatus.QUEUED, parts_done=0, error="", requested_at=now
    )
    if retry:
        enqueue_after_commit(BUILD_TASK, export.pk)
        export.refresh_from_db()
    return export


def _progress_recorder(export: CourseExport):
    def record(done: int, total: int) -> None:
        CourseExport.objects.filter(pk=export.pk).update(parts_done=done, parts_total=total)

    return record


def export_build(*, export_id: int) -> CourseExport | None:
    """Build the file of a queued export; a built one is left as it is (a repeated task does nothing)."""
    claimed = CourseExport.objects.filter(pk=export_id, status__in=[ExportStatus.QUEUED, ExportStatus.FAILED]).update(
        status=ExportStatus.BUILDING, parts_done=0
    )
    export = CourseExport.objects.filter(pk=export_id).select_related("course").first()
    if export is None or not claimed:
        return export
    try:
        edition = stored_edition(export.course, export.course_revision_id, export.module_revisions)
        builder = formats.BUILDERS[ExportFormat(export.format)]
        content = builder.build(edition, progress=_progress_recorder(export))
    except EditionNotFound:
        return _failed(export, gettext_noop("This version of the course is no longer published."))
    except Exception:
        logger.exception("Building export %s failed", export_id)
        return _failed(export, gettext_noop("The file could not be built. Try again later."))
    export.file.save(builder.filename(edition), ContentFile(content), save=False)
    export.status = ExportStatus.READY
    export.parts_done = export.parts_total
    export.finished_at = timezone.now()
    export.save(update_fields=["file", "status", "parts_done", "finished_at"])
    exports_prune(course_id=export.course_id, format=export.format)
    return export


def exports_prune(*, course_id: int, format: str) -> int:
    """Delete the files of all but the newest built versions of a course in a format."""
    built = CourseExport.objects.filter(course_id=course_id, format=format, status=ExportStatus.READY)
    old = list(built.order_by("-finished_at", "-pk")[KEEP_PER_FORMAT:])
    for export in old:
        export.file.delete(save=False)
    CourseExport.objects.filter(pk__in=[export.pk for export in old]).delete()
    return len(old)


def _failed(export: CourseExport, message: str) -> CourseExport:
    # Kept in English, as marked: the progress page shows it in each reader's language.
    export.status = ExportStatus.FAILED
    export.error = message
    export.finished_at = timezone.now()
    export.save(update_fields=["status", "error", "finished_at"])
    return export
