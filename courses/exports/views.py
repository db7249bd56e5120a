"""Downloads at /courses/<course>/export/<epub|pdf|cc>/: the file when it is built, otherwise a page
that shows the build's progress (asking this same URL for it as JSON) and starts the download when ready.

``?revision=<course revision id>&module=<module revision id>…`` asks for a pinned version (a study
circle's); only published revisions of a live, public course are served, and modules that are no
longer public are left out (courses.exports.editions).
"""

from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from ..models import ExportFormat
from . import formats
from .editions import EditionNotFound, course_for_export, live_edition, pinned_edition
from .services import export_request

#: Seconds between the progress page's checks on the build.
REFRESH_SECONDS = 3


def _progress_message(export) -> str:
    if export.status == "building":
        return _("Preparing your file: %(done)s of %(total)s parts done.") % {
            "done": export.parts_done,
            "total": export.parts_total,
        }
    return _("Your file is queued and will be prepared shortly.")


def _edition(request, course):
    revision = request.GET.get("revision")
    if revision is None:
        return live_edition(course)
    try:
        module_revisions = [int(value) for value in request.GET.getlist("module")]
        return pinned_edition(course, int(revision), module_revisions)
    except (ValueError, EditionNotFound) as error:
        raise Http404("No such published version of this course.") from error


def course_export(request, course_slug: str, format: str):
    export_format = ExportFormat(format) if format in ExportFormat.values else None
    if export_format not in formats.BUILDERS:
        raise Http404("No such format.")
    course = course_for_export(course_slug)
    if course is None:
        raise Http404("No such course.")
    builder = formats.BUILDERS[export_format]
    context = {"course": course, "format_label": export_format.label}
    unavailable = formats.unavailable_reason(export_format)
    if unavailable:
        return render(request, "courses/exports/unavailable.html", {**context, "reason": unavailable}, status=503)
    export = export_request(edition=_edition(request, course), format=export_format)
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse(
            {
                "ready": export.is_ready,
                "status": export.status,
                "percent": export.percent_done,
                "message": _progress_message(export),
                "error": _(export.error) if export.error else "",
            }
        )
    if export.is_ready:
        return FileResponse(
            export.file.open("rb"),
            as_attachment=True,
            filename=export.file.name.rsplit("/", 1)[-1],
            content_type=builder.media_type,
        )
    return render(
        request,
        "courses/exports/progress.html",
        {
            **context,
            "export": export,
            "message": _progress_message(export),
            "error": _(export.error) if export.error else "",
            "refresh_seconds": REFRESH_SECONDS,
        },
    )
