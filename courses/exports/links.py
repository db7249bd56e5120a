"""Links to a course's downloads, for pages in any app (the course page, a circle's pinned version)."""

from urllib.parse import urlencode

from django.urls import reverse

from ..models import ExportFormat


def export_url(course, export_format: str, *, course_revision_id=None, module_revision_ids=()) -> str:
    """The download URL of the live course, or of the pinned version named by these revision ids
    (the course's and its modules', in outline order, as a study circle stores them)."""
    url = reverse("courses:export", kwargs={"course_slug": course.slug, "format": export_format})
    if course_revision_id is None:
        return url
    query = [("revision", course_revision_id), *[("module", revision_id) for revision_id in module_revision_ids]]
    return f"{url}?{urlencode(query)}"


def download_links(course, *, course_revision_id=None, module_revision_ids=()) -> list[tuple[str, str]]:
    """(label, URL) for each format."""
    return [
        (
            export_format.label,
            export_url(
                course,
                export_format.value,
                course_revision_id=course_revision_id,
                module_revision_ids=module_revision_ids,
            ),
        )
        for export_format in ExportFormat
    ]
