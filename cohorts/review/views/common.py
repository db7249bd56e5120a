"""What the peer review pages share: loading a circle's review objects for the viewer, and versions."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy

from cohorts.access import circle_for_viewer
from cohorts.models import Circle, CircleActivity, ReviewAssignment, Submission, SubmissionVersion
from cohorts.permissions import CircleAccess

from .. import permissions
from ..text_diff import has_changes, line_diff

#: The value of the button that hands work or a review in (rather than saving a draft).
SUBMIT = "submit"
#: Why a non-member is refused a member's page of the circle's peer review.
MEMBERS_ONLY = gettext_lazy("Only this circle's members take part in its peer review.")


def circle_for_review_facilitator(request, circle_id: int) -> tuple[Circle, CircleAccess]:
    """As ``circle_for_viewer``, and 403 unless the viewer runs the circle's peer review."""
    circle, access = circle_for_viewer(request, circle_id)
    review_facilitator_require(access)
    return circle, access


def review_facilitator_require(access: CircleAccess) -> None:
    if not permissions.can_run_reviews(access):
        raise PermissionDenied(_gettext("Only this circle's facilitators can do that."))


def own_assignment(request, circle: Circle, assignment_id: int) -> ReviewAssignment:
    """The viewer's own review assignment in ``circle``, or 404."""
    assignment = get_object_or_404(
        ReviewAssignment.objects.select_related("activity", "submission"),
        pk=assignment_id,
        activity__circle=circle,
        reviewer=request.user,
    )
    assignment.activity.circle = circle
    assignment.submission.activity = assignment.activity
    return assignment


def activity_of(circle: Circle, activity_pk: int) -> CircleActivity:
    activity = get_object_or_404(CircleActivity, pk=activity_pk, circle=circle)
    activity.circle = circle
    return activity


def submission_of(circle: Circle, submission_id: int) -> Submission:
    submission = get_object_or_404(
        Submission.objects.select_related("activity").prefetch_related("authors__user"),
        pk=submission_id,
        activity__circle=circle,
    )
    submission.activity.circle = circle
    return submission


def versions_of(submission: Submission) -> list[SubmissionVersion]:
    versions = list(submission.versions.order_by("number"))
    for version in versions:
        version.submission = submission
    return versions


def with_diffs(versions: list[SubmissionVersion]) -> list[SubmissionVersion]:
    """Give each submitted version ``changes``: what differs from the version before it."""
    previous = None
    for version in versions:
        if version.is_draft:
            continue
        version.changes = None
        if previous is not None:
            diff = line_diff(previous.text, version.text)
            version.changes = {
                "text": diff if has_changes(diff) else None,
                "link": (previous.link, version.link) if previous.link != version.link else None,
                "file": (previous.file_name, version.file_name) if previous.file.name != version.file.name else None,
            }
        previous = version
    return versions
