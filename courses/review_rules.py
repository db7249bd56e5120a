"""The rules the course review task applies: who may review a page, and whether its newest version may
go live. They read courses.permissions and courses.remix, which sit above the models, so
``CoursesConfig.ready()`` hands them to ``CourseReviewTask`` rather than the model importing them.
"""

from . import permissions
from .models.review import ReviewRules
from .remix.queries import publish_refusals


def approval_allowed(page) -> bool:
    """Everyone credited has accepted, and the newest version's licence and change note respect its sources."""
    return not permissions.publish_blockers(page=page) and not publish_refusals(page.get_latest_revision_as_object())


REVIEW_RULES = ReviewRules(
    may_review=permissions.can_review,
    may_approve=approval_allowed,
    is_site_editor=permissions.is_site_editor,
    pages_maintained_by=permissions.pages_maintained_by,
)
