"""What the courses hold about a person: their credits (and invitations to co-author). Exported into
their data download; on deleting the account, each credit keeps the person's name (as a name without
an account) or loses it, here and in the frozen attribution of every remix (CC BY 4.0 §3(a)(3)).
Registered from CoursesConfig.ready()."""

from __future__ import annotations

from p2pu.core.links import absolute_url

from .models import CourseCredit, CourseInvitation
from .models.authorship import InvitationStatus
from .remix.services import credit_opt_out_set
from .services import course_authors_sync


def _emails(user) -> set[str]:
    return {
        address.lower() for address in [user.email, *user.emailaddress_set.values_list("email", flat=True)] if address
    }


def erase(*, user, former, keep_credit_names: bool) -> None:
    credits = list(CourseCredit.objects.filter(person=user).select_related("course"))
    name = user.get_display_name()
    for credit in credits:
        if keep_credit_names:
            CourseCredit.objects.filter(pk=credit.pk).update(person=None, external_name=name, external_url="")
        else:
            credit_opt_out_set(credit=credit, opted_out=True)
            credit.delete()
    for course in {credit.course for credit in credits}:
        # Courses made before authoring by learners (e.g. imported) have no authors group to sync.
        if course.authors_group_id:
            course_authors_sync(course=course)
    CourseInvitation.objects.filter(email__in=_emails(user), status=InvitationStatus.PENDING).delete()


def export(*, user, files: list) -> dict:
    return {
        "credits": [
            {
                "course": credit.course.title,
                "course_url": absolute_url(credit.course.url or ""),
                "role": credit.role,
                "accepted_at": credit.accepted_at.isoformat() if credit.accepted_at else None,
                "accepted_licence": credit.accepted_licence,
                "left_out_of_remixes": credit.opted_out_of_derivatives,
            }
            for credit in CourseCredit.objects.filter(person=user).select_related("course").order_by("pk")
        ],
        "invitations_to_co_author": [
            {
                "course": invitation.course.title,
                "role": invitation.role,
                "status": invitation.status,
                "created_at": invitation.created_at.isoformat(),
            }
            for invitation in CourseInvitation.objects.filter(email__in=_emails(user)).select_related("course")
        ],
    }
