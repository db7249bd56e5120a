"""What the courses app tells people about; registered from CoursesConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from p2pu.notifications.kinds import Kind

INVITATION = "course.invitation"
CREDIT_CONSENT = "course.credit_consent"
AUTHORS = "course.authors"
REVIEW = "course.review"
UPSTREAM = "course.upstream"

KINDS = (
    Kind(INVITATION, label=_("Invitations to co-author a course")),
    Kind(CREDIT_CONSENT, label=_("Credits and licences to accept on courses you help write")),
    Kind(AUTHORS, label=_("Changes to who writes your courses")),
    Kind(REVIEW, label=_("Reviews of courses you help write")),
    Kind(UPSTREAM, label=_("New versions of courses and modules your courses are based on")),
)
