"""What the courses record in the audit trail; registered from CoursesConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from p2pu.audit.actions import Action

REVIEW_APPROVED = "course.review_approved"
REVIEW_REJECTED = "course.review_rejected"
CREDIT_REMOVED = "course.credit_removed"

ACTIONS = (
    Action(REVIEW_APPROVED, label=_("Approved a course or module for publishing")),
    Action(REVIEW_REJECTED, label=_("Asked for changes to a course or module")),
    Action(CREDIT_REMOVED, label=_("Removed a person's credit")),
)
