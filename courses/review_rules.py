"""The rules the course review task applies: who may review a page, and whether its newest version may
go live. They read courses.permissions and courses.remix, which sit above the models, so
``CoursesConfig.ready()`` hands them to ``CourseReviewTask`` rather than the model importing them.
"""

from . import permissions
from .models.review import ReviewRules
from .remix.queries import publish_refusals


def approval_allowed(page) -> bool:
    """Everyone credited has accepted, and the licence and change note of the version under review
    (the one approval publishes) respect its sources."""
    task_state = page.current_workflow_task_state
    reviewed = task_state.revision if task_state is not None and task_state.revision_id else page.get_latest_revision()
    version = reviewed.as_object()
    licence = version.licence if page.pk == getattr(permissions.course_for_page(page), "pk", None) else None
    return not permissions.publish_blockers(page=page, licence=licence) and not publish_refusals(version)


REVIEW_RULES = ReviewRules(
    may_review=permissions.can_review,
    may_approve=approval_allowed,
    wrote_under_review=permissions.wrote_under_review,
    is_site_editor=permissions.is_site_editor,
    pages_maintained_by=permissions.pages_maintained_by,
)
