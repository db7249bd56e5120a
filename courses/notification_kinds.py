"""What the courses app tells people about; registered in CoursesConfig.ready()."""

from p2pu.notifications import kinds

INVITATION = "course.invitation"
CREDIT_CONSENT = "course.credit_consent"
AUTHORS = "course.authors"
REVIEW = "course.review"


def register() -> None:
    kinds.register(INVITATION, label="Invitations to co-author a course")
    kinds.register(CREDIT_CONSENT, label="Credits and licences to accept on courses you help write")
    kinds.register(AUTHORS, label="Changes to who writes your courses")
    kinds.register(REVIEW, label="Reviews of courses you help write")
